import { describe, expect, it } from 'vitest';
import { RETRY_BASE_MS, RETRY_MAX_MS, parseRetryAfter, retryDelay, verdictFor } from '../../src/sync/backoff.js';

describe('status handling', () => {
  it.each([
    [200, 'ok'], [204, 'ok'], [0, 'retry'], [408, 'retry'], [429, 'retry'], [500, 'retry'], [503, 'retry'], [599, 'retry'],
    [400, 'drop'], [401, 'drop'], [403, 'drop'], [404, 'drop'], [413, 'drop'], [422, 'drop'], [301, 'drop'],
    [299, 'ok'], [300, 'drop'], [499, 'drop'], [100, 'retry'], [199, 'retry'],
  ])('status %i → %s', (status, verdict) => {
    expect(verdictFor(status)).toBe(verdict);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    // Only a whole string of digits is seconds: padded, several digits, or an ISO date that starts or ends in digits.
    expect(parseRetryAfter(' 3 ', now)).toBe(3000);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('2025-01-01T00:00:10Z', now)).toBe(10_000);
    expect(parseRetryAfter('2025-01-01T00:00:10.000+00:00', now)).toBe(10_000);
    expect(parseRetryAfter('3 seconds', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap, with half of each delay random', () => {
    expect(retryDelay(1, undefined, 0)).toBe(RETRY_BASE_MS / 2);
    expect(retryDelay(1, undefined, 1)).toBe(RETRY_BASE_MS);
    expect(retryDelay(4, undefined, 1)).toBe(RETRY_BASE_MS * 8);
    expect(retryDelay(4, undefined, 0)).toBe(RETRY_BASE_MS * 4);
    expect(retryDelay(40, undefined, 1)).toBe(RETRY_MAX_MS);
    expect(retryDelay(1000, undefined, 0.5)).toBeLessThanOrEqual(RETRY_MAX_MS);
  });

  it('never retries sooner than Retry-After, and caps it', () => {
    expect(retryDelay(1, 5000, 0)).toBe(5000);
    expect(retryDelay(1, 10 * RETRY_MAX_MS, 0)).toBe(RETRY_MAX_MS);
  });

  it('spreads retries of many clients (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(3, undefined, Math.random())));
    expect(delays.size).toBeGreaterThan(40);
  });
});
