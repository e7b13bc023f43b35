/**
 * The exact requests the transports and the registration put on the wire
 * (URL, method, credentials, keepalive, body text), pinned so a smaller
 * implementation cannot drift from docs/protocol.md or the Segment mode.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Batch, splitIntoBatches } from '../../src/sync/batch.js';
import { readRegistered } from '../../src/sync/credential.js';
import { segmentTransport } from '../../src/sync/segment.js';
import { jsonTransport, resultOf } from '../../src/sync/transport.js';

const batch: Batch = { id: 'b1', device: 'dev-1', seq: [1, 2], sentAt: Date.parse('2025-01-01T00:00:00Z'), writeKey: 'wk', deltas: [{ s: 1, key: 'n.x', f: { k: 'c', v: 1 } }] };

function capture(status = 200, headers: Record<string, string> = {}) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => (calls.push({ url, init }), new Response(null, { status, headers }))));
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('OneToOne JSON transport', () => {
  it('posts a batch to /v1/batch with v:2 first and the device key last, same-origin, keepalive as asked', async () => {
    const calls = capture();
    expect(await jsonTransport('https://c.example')({ kind: 'batch', batch, keepalive: true, deviceKey: 'k' })).toEqual({ status: 200, retryAfterMs: undefined });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://c.example/v1/batch');
    expect(calls[0]!.init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'same-origin' });
    expect(calls[0]!.init.body).toBe(JSON.stringify({ v: 2, ...batch, deviceKey: 'k' }));
  });

  it('posts forget to /v1/forget with the device, its key and the write key, never keepalive', async () => {
    const calls = capture(202);
    expect((await jsonTransport('/o2o')({ kind: 'forget', device: 'dev-1', writeKey: 'wk', deviceKey: 'k' })).status).toBe(202);
    expect(calls[0]!.url).toBe('/o2o/v1/forget');
    expect(calls[0]!.init).toMatchObject({ method: 'POST', keepalive: false, credentials: 'same-origin' });
    expect(calls[0]!.init.body).toBe('{"v":2,"device":"dev-1","deviceKey":"k","writeKey":"wk"}');
  });
});

describe('batches as stored in the outbox and sent', () => {
  it('keep their fields in one order, the write key last and only when configured', () => {
    const deltas = [{ s: 2, key: 'n.y', f: { k: 'c' as const, v: 1 } }, { s: 1, key: 'n.x', f: { k: 'c' as const, v: 1 } }];
    const [withKey] = splitIntoBatches(deltas, 'dev-1', 'wk');
    expect(Object.keys(withKey!)).toEqual(['id', 'device', 'seq', 'sentAt', 'deltas', 'writeKey']);
    expect(withKey).toMatchObject({ device: 'dev-1', seq: [1, 2], sentAt: 0, writeKey: 'wk' });
    expect(Object.keys(splitIntoBatches(deltas, 'dev-1', '')[0]!)).toEqual(['id', 'device', 'seq', 'sentAt', 'deltas']);
  });
});

describe('Segment-compatible transport', () => {
  it('posts the Segment body of a batch without cookies, keepalive as asked', async () => {
    const calls = capture();
    await segmentTransport('https://seg.example')({ kind: 'batch', batch, keepalive: true, deviceKey: 'secret' });
    expect(calls[0]!.url).toBe('https://seg.example/v1/batch');
    expect(calls[0]!.init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    expect(calls[0]!.init.body).not.toContain('secret');
  });

  it('posts forget as one o2o_forget track, without the key, never keepalive', async () => {
    vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z'), toFake: ['Date'] });
    const calls = capture();
    await segmentTransport('https://seg.example')({ kind: 'forget', device: 'dev-1', writeKey: 'wk', deviceKey: 'secret' });
    expect(calls[0]!.url).toBe('https://seg.example/v1/batch');
    expect(calls[0]!.init).toMatchObject({ keepalive: false, credentials: 'omit' });
    const at = '2025-01-01T00:00:00.000Z';
    expect(calls[0]!.init.body).toBe(JSON.stringify({
      batch: [{ type: 'track', event: 'o2o_forget', messageId: 'forget-dev-1', anonymousId: 'dev-1', timestamp: at }], sentAt: at, writeKey: 'wk',
    }));
  });
});

describe('answers', () => {
  it('resultOf reads the status and Retry-After (seconds or date) of a response', () => {
    expect(resultOf(new Response(null, { status: 503, headers: { 'retry-after': '3' } }))).toEqual({ status: 503, retryAfterMs: 3000 });
    expect(resultOf(new Response(null, { status: 429 }))).toEqual({ status: 429, retryAfterMs: undefined });
  });

  it('a registration answer reads to the device id to use: the restored one, else the one sent; malformed answers are none', () => {
    expect(readRegistered({}, 'dev-1')).toBe('dev-1');
    expect(readRegistered({ device: 'dev-1' }, 'dev-1')).toBe('dev-1');
    expect(readRegistered({ device: 'old-7', restored: true }, 'dev-1')).toBe('old-7');
    // A different id that is not marked restored keeps the one sent.
    expect(readRegistered({ device: 'old-7' }, 'dev-1')).toBe('dev-1');
    expect(readRegistered({ device: 'old-7', restored: 'yes' }, 'dev-1')).toBe('dev-1');
    for (const bad of [null, undefined, 'dev-1', 5, { device: 5 }, { device: '' }, { device: 'a b' }, { device: 'x'.repeat(65), restored: true }]) {
      expect(readRegistered(bad, 'dev-1')).toBeUndefined();
    }
  });
});
