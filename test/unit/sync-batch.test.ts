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

/** Bytes one delta takes in a batch body: its JSON and a comma. */
const deltaBytes = (d: Delta): number => byteLength(JSON.stringify(d)) + 1;
/** The room splitIntoBatches keeps for the envelope. */
const ENVELOPE = 400;

describe('splitting the queue into batches', () => {
  it('keeps every delta, in sequence order, each batch under the size limit and full, with a correct seq range', () => {
    let split = 0;
    // size 'max': queues up to 120 deltas (the default size stays near 10, which never needs a second batch).
    fc.assert(fc.property(fc.array(delta, { maxLength: 120, size: 'max' }), (queue) => {
      const batches = splitIntoBatches(queue, 'device-1', 'site', 4000);
      if (batches.length > 1) split++;
      const flat = batches.flatMap((b) => b.deltas);
      expect(flat).toHaveLength(queue.length);
      expect(flat.map((d) => d.s)).toEqual(queue.map((d) => d.s).sort((a, b) => a - b));
      batches.forEach((b, i) => {
        expect(byteLength(JSON.stringify(b))).toBeLessThanOrEqual(4000);
        expect(b.seq).toEqual([Math.min(...b.deltas.map((d) => d.s)), Math.max(...b.deltas.map((d) => d.s))]);
        expect(b).toMatchObject({ device: 'device-1', writeKey: 'site', sentAt: 0 });
        // Full: a batch is closed only when the next delta would not have fitted in it.
        const next = batches[i + 1]?.deltas[0];
        if (next) expect(ENVELOPE + b.deltas.reduce((sum, d) => sum + deltaBytes(d), 0) + deltaBytes(next)).toBeGreaterThan(4000);
      });
      expect(new Set(batches.map((b) => b.id)).size).toBe(batches.length);
    }));
    // The property must have been exercised on queues that needed splitting.
    expect(split).toBeGreaterThan(30);
  });

  it('cuts a known queue where the limit falls, and starts each part empty', () => {
    // Each delta is exactly 100 bytes with its comma: 1,000 bytes hold the envelope and six.
    const pad = (s: number): Delta => {
      const d: Delta = { s, key: 'n.k' + s, f: { k: 'r', v: '', t: 1 } };
      (d.f as { v: string }).v = 'x'.repeat(100 - deltaBytes(d));
      return d;
    };
    const queue = Array.from({ length: 14 }, (_, i) => pad(14 - i));
    expect(queue.every((d) => deltaBytes(d) === 100)).toBe(true);
    const batches = splitIntoBatches(queue, 'dev', undefined, 1000);
    expect(batches.map((b) => b.deltas.map((d) => d.s))).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [13, 14]]);
    expect(batches.map((b) => b.seq)).toEqual([[1, 6], [7, 12], [13, 14]]);
    expect(batches.every((b) => !('writeKey' in b))).toBe(true);
    // One more byte of room fits no extra delta; one fewer pushes one out.
    expect(splitIntoBatches(queue, 'dev', undefined, 1001).map((b) => b.deltas.length)).toEqual([6, 6, 2]);
    expect(splitIntoBatches(queue, 'dev', undefined, 999).map((b) => b.deltas.length)).toEqual([5, 5, 4]);
    // A delta larger than the limit still goes, alone, rather than blocking the queue.
    expect(splitIntoBatches([pad(1), pad(2)], 'dev', undefined, 100).map((b) => b.deltas.length)).toEqual([1, 1]);
  });

  it('measures bodies in UTF-8 bytes, not characters', () => {
    expect(byteLength('abc')).toBe(3);
    expect(byteLength('é')).toBe(2);
    expect(byteLength('€')).toBe(3);
    expect(byteLength('😀')).toBe(4);
    expect(byteLength('')).toBe(0);
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
    // Re-sent later, the same batch keeps its message ids (the collector deduplicates on them); only the times move.
    const resent = toSegmentBody({ ...batch, sentAt: batch.sentAt + 5000 }) as typeof body;
    expect(resent.batch.map((m) => m.messageId)).toEqual(['b1-i', 'b1']);
    expect(resent.batch.map((m) => ({ ...m, timestamp: body.sentAt }))).toEqual(body.batch);
    expect(resent.sentAt).toBe('2025-01-01T00:00:05.000Z');
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
