/**
 * What a batch will do to one device, decided from the device's counters and
 * the stored rows of the batch's own keys (read under the device's lock), so
 * every store applies the same rules: the per-key sequence check, the join,
 * and the bounds. Pure: no database, no clock.
 */
import { type Field, joinFields } from '../../src/core/field.js';
import { type Delta, compactDeltas } from '../../src/core/merge.js';
import { fieldBytes } from './field-columns.js';
import type { DeviceBounds } from './store.js';

/** A device's running totals, kept in its `devices` row. */
export interface DeviceCounters {
  /** Highest sequence number applied. */
  seq: number;
  /** Fields stored. */
  fields: number;
  /** Bytes stored (see `fieldBytes`). */
  bytes: number;
}

/** A stored field of one of the batch's keys. */
export interface StoredField {
  s: number;
  f: Field;
  bytes: number;
}

/** One key to upsert: the batch's fresh deltas for it, folded by the join. */
export interface FieldWrite {
  key: string;
  s: number;
  f: Field;
}

/** The plan of a batch. */
export type BatchPlan =
  | { rejected: 'seq-step' }
  | { rejected?: undefined; writes: FieldWrite[]; applied: number; refused: number; counters: DeviceCounters };

/** The highest sequence number in `deltas`, or -1 for none. */
function highestSeq(deltas: readonly Delta[]): number {
  let high = -1;
  for (const delta of deltas) if (delta.s > high) high = delta.s;
  return high;
}

/**
 * Plans a batch. A delta is fresh when its `s` is above the stored `s` of its key; fresh deltas of
 * one key fold into one write (join of their fields, highest `s`), so the upsert touches each key
 * once. A write for a new key past `maxFields`, or one that grows the device past `maxBytes`, is
 * refused (its deltas counted in `refused`, its key's `s` not advanced). A batch whose highest `s`
 * is more than `maxSeqStep` above the device's is rejected whole.
 */
export function planBatch(
  deltas: readonly Delta[],
  stored: ReadonlyMap<string, StoredField>,
  counters: DeviceCounters,
  bounds: DeviceBounds,
): BatchPlan {
  if (deltas.length > 0 && highestSeq(deltas) - counters.seq > bounds.maxSeqStep) return { rejected: 'seq-step' };
  const fresh = deltas.filter((delta) => delta.s > (stored.get(delta.key)?.s ?? -1));
  const freshPerKey = new Map<string, number>();
  for (const delta of fresh) freshPerKey.set(delta.key, (freshPerKey.get(delta.key) ?? 0) + 1);
  const next: DeviceCounters = { ...counters };
  const writes: FieldWrite[] = [];
  let applied = 0;
  let refused = 0;
  for (const write of compactDeltas(fresh)) {
    const count = freshPerKey.get(write.key) ?? 0;
    const existing = stored.get(write.key);
    const joined = existing ? joinFields(existing.f, write.f) : write.f;
    const growth = fieldBytes(write.key, joined) - (existing?.bytes ?? 0);
    if ((!existing && next.fields + 1 > bounds.maxFields) || (growth > 0 && next.bytes + growth > bounds.maxBytes)) {
      refused += count;
      continue;
    }
    if (!existing) next.fields += 1;
    next.bytes += growth;
    if (write.s > next.seq) next.seq = write.s;
    applied += count;
    writes.push({ key: write.key, s: write.s, f: write.f });
  }
  return { writes, applied, refused, counters: next };
}
