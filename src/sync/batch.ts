/**
 * The batch: the unit the client pushes and the collector accepts.
 * Its shape is the OneToOne JSON protocol (docs/protocol.md).
 */
import type { Delta } from '../core/merge.js';
import { randomId } from '../store/store.js';

/** A batch of deltas from one device. */
export interface Batch {
  /** Unique batch id; a retried batch keeps its id. */
  id: string;
  /** Device id the deltas belong to. */
  device: string;
  /** Lowest and highest per-device sequence number of the deltas. */
  seq: [number, number];
  /** Client clock when (re)sent, epoch ms, for skew correction. */
  sentAt: number;
  /** Site key, if configured. */
  writeKey?: string;
  /** Compacted deltas, at most one per key. */
  deltas: Delta[];
}

/** Largest body of one batch, bytes; four fit in the 64 KiB that keepalive requests may have in flight. */
export const PART_BYTES = 15_000;

/** Bytes of `text` as UTF-8. */
export const byteLength = (text: string): number => new TextEncoder().encode(text).length;

/**
 * Cuts a queue into batches of at most {@link PART_BYTES} each, in sequence
 * order so an interrupted run delivers the oldest writes first.
 */
export function splitIntoBatches(queue: readonly Delta[], device: string, writeKey?: string, partBytes = PART_BYTES): Batch[] {
  const batches: Batch[] = [];
  let part: Delta[] = [];
  let size = 0;
  // Sorted, so a part's first and last deltas carry its lowest and highest sequence numbers.
  const seal = (): void =>
    void (part.length && batches.push({ id: randomId(), device, seq: [part[0]!.s, part[part.length - 1]!.s], sentAt: 0, deltas: part, ...(writeKey && { writeKey }) }));
  for (const delta of [...queue].sort((a, b) => a.s - b.s)) {
    const bytes = byteLength(JSON.stringify(delta)) + 1;
    // 400 bytes stay free for the envelope (ids, sequence range, key) and a transport's wrapping.
    if (part.length && size + bytes > partBytes - 400) seal(), (part = []), (size = 0);
    part.push(delta);
    size += bytes;
  }
  seal();
  return batches;
}
