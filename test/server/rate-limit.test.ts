// The token bucket behind the per-address and per-device limits, on a controlled clock.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/rate-limit.js';

describe('RateLimiter', () => {
  it('spends the burst, then refills at the rate and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 }, 10, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    now += 1000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('keeps at most maxKeys buckets, forgetting the least recently used', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 }, 2, () => 0);
    limiter.take('a');
    limiter.take('b');
    limiter.take('a');
    limiter.take('c');
    expect(limiter.size).toBe(2);
    expect(limiter.take('a').ok).toBe(false); // still tracked
    expect(limiter.take('b').ok).toBe(true); // forgotten: a full bucket again
  });

  it('is off at 0 per minute', () => {
    const limiter = new RateLimiter({ perMinute: 0, burst: 0 });
    expect(Array.from({ length: 100 }, () => limiter.take('a').ok).every(Boolean)).toBe(true);
    expect(limiter.size).toBe(0);
  });
});
