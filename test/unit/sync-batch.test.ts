import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Delta, applyDeltas } from '../../src/core/merge.js';
import { byteLength, splitIntoBatches } from '../../src/sync/batch.js';
import { toSegmentBody } from '../../src/sync/segment.js';

const delta: fc.Arbitrary<Delta> = fc.record({
  s: fc.nat(100_000),
  key: fc.stringMatching(/^[a-z][a-z0-9.:]{0,30}$/),
  f: fc.record({ k: fc.constant('r' as const), v: fc.string({ maxLength: 256, unit: 'binary' }), t: fc.nat() }),
});

describe('splitting the queue into batches', () => {
  it('keeps every delta, in sequence order, each batch under the size limit with a correct seq range', () => {
    fc.assert(fc.property(fc.array(delta, { maxLength: 300 }), (queue) => {
      const batches = splitIntoBatches(queue, 'device-1', 'site', 4000);
      const flat = batches.flatMap((b) => b.deltas);
      expect(flat).toHaveLength(queue.length);
      expect(flat.map((d) => d.s)).toEqual(queue.map((d) => d.s).sort((a, b) => a - b));
      for (const b of batches) {
        expect(byteLength(JSON.stringify(b))).toBeLessThanOrEqual(4000);
        expect(b.seq).toEqual([Math.min(...b.deltas.map((d) => d.s)), Math.max(...b.deltas.map((d) => d.s))]);
        expect(b).toMatchObject({ device: 'device-1', writeKey: 'site' });
      }
      expect(new Set(batches.map((b) => b.id)).size).toBe(batches.length);
    }));
  });

  it('makes no batch of an empty queue', () => {
    expect(splitIntoBatches([], 'd')).toEqual([]);
  });
});

describe('Segment-compatible bodies', () => {
  const batch = {
    id: 'b1', device: 'dev-1', seq: [3, 5] as [number, number], sentAt: Date.parse('2025-01-01T00:00:00Z'), writeKey: 'wk',
    deltas: [
      { s: 3, key: 'n.view_item', f: { k: 'c' as const, v: 2 } },
      { s: 4, key: 'u.id', f: { k: 'r' as const, v: 'user-9', t: 1 } },
      { s: 5, key: 'u.plan', f: { k: 'r' as const, v: 'pro', t: 1 } },
    ],
  };

  it('sends an identify for the user link and traits, then a track carrying the deltas, with stable message ids', () => {
    const body = toSegmentBody(batch) as { batch: Array<Record<string, unknown>>; sentAt: string; writeKey: string };
    expect(body.writeKey).toBe('wk');
    expect(body.sentAt).toBe('2025-01-01T00:00:00.000Z');
    expect(body.batch).toEqual([
      { type: 'identify', messageId: 'b1-i', anonymousId: 'dev-1', userId: 'user-9', traits: { plan: 'pro' }, timestamp: body.sentAt },
      { type: 'track', event: 'o2o_profile_delta', messageId: 'b1', anonymousId: 'dev-1', userId: 'user-9', properties: { seq: [3, 5], deltas: batch.deltas }, timestamp: body.sentAt },
    ]);
    expect(toSegmentBody({ ...batch, sentAt: batch.sentAt + 5000 }).batch).toHaveLength(2);
  });

  it('sends only the track when nothing about identity changed', () => {
    const body = toSegmentBody({ ...batch, deltas: batch.deltas.slice(0, 1) }) as { batch: Array<Record<string, unknown>> };
    expect(body.batch.map((m) => m.type)).toEqual(['track']);
    expect(body.batch[0]).not.toHaveProperty('userId');
  });

  it('carries deltas the collector-side merge can apply unchanged', () => {
    const body = toSegmentBody(batch) as { batch: Array<{ properties?: { deltas: Delta[] } }> };
    const deltas = body.batch.at(-1)?.properties?.deltas ?? [];
    expect(applyDeltas({ seq: 0, fields: {} }, deltas).seq).toBe(5);
  });
});
