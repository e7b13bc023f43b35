/**
 * Imports the reference collector's JSON file (`demo/collector`, `collector.json`:
 * devices, per-key sequence numbers, remembered batch ids) into a store.
 *
 * Each device's fields go in as one batch with the reserved id
 * {@link IMPORT_BATCH_ID}, through `applyBatch`: the store's own join applies
 * them (so importing into a store that already holds newer data keeps the
 * newer values) and remembers that id, so a second run changes nothing. Old
 * batch ids are remembered as they were, so a client retrying an old batch
 * after the switch gets "duplicate". Imported devices have no credential: the
 * first v2 request for them registers one (trust on first use, see docs/backend.md).
 */
import { isField, isFieldKey } from '../../src/core/field.js';
import type { Delta, DeviceState } from '../../src/core/merge.js';
import type { CollectorStore, DeviceBounds } from './store.js';

/** The batch id under which each device's imported fields are applied. */
export const IMPORT_BATCH_ID = 'import-collector-json';

/** The JSON file's shape (demo/collector/collector-store.ts `Persisted`). */
export interface CollectorJson {
  devices: Record<string, DeviceState>;
  seqs?: Record<string, Record<string, number>>;
  /** `device/batchId` pairs. */
  seen?: string[];
}

/** A store that can remember batch ids without a batch (both shipped stores can). */
export interface BatchIdMemory {
  rememberBatchIds(entries: readonly { device: string; id: string }[], now: number): Promise<number>;
}

/** What an import did. */
export interface ImportCounts {
  /** Devices in the file. */
  devices: number;
  /** Devices whose fields were applied now. */
  imported: number;
  /** Devices imported by an earlier run (their import batch id was already remembered). */
  alreadyImported: number;
  /** Fields applied. */
  fields: number;
  /** Entries left out because they are not valid (key, field, device or batch id). */
  invalid: number;
  /** Old batch ids remembered now (not before). */
  batchIds: number;
}

/** The old collector kept no bounds: an import refuses nothing. */
const UNBOUNDED: DeviceBounds = { maxFields: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, maxSeqStep: Number.MAX_SAFE_INTEGER };
const ID = /^[\w-]{1,64}$/;

/** Imports `data` into `store`; safe to run again. */
export async function importCollectorJson(store: CollectorStore & BatchIdMemory, data: CollectorJson, now = Date.now()): Promise<ImportCounts> {
  const counts: ImportCounts = { devices: 0, imported: 0, alreadyImported: 0, fields: 0, invalid: 0, batchIds: 0 };
  for (const [device, state] of Object.entries(data.devices ?? {})) {
    counts.devices++;
    if (!ID.test(device) || !state || typeof state !== 'object' || !state.fields) {
      counts.invalid++;
      continue;
    }
    const seqs = data.seqs?.[device] ?? {};
    const deltas: Delta[] = [];
    for (const [key, f] of Object.entries(state.fields)) {
      const s = Object.prototype.hasOwnProperty.call(seqs, key) ? seqs[key] : state.seq;
      if (!isFieldKey(key) || !isField(f) || !Number.isSafeInteger(s) || (s as number) < 0) {
        counts.invalid++;
        continue;
      }
      deltas.push({ s: s as number, key, f });
    }
    const outcome = await store.applyBatch({ device, id: IMPORT_BATCH_ID, deltas, receivedAt: now, skewMs: 0, bytes: 0 }, UNBOUNDED);
    if (outcome.duplicate) counts.alreadyImported++;
    else {
      counts.imported++;
      counts.fields += outcome.applied;
    }
  }
  const entries: { device: string; id: string }[] = [];
  for (const pair of data.seen ?? []) {
    const slash = typeof pair === 'string' ? pair.indexOf('/') : -1;
    const device = slash > 0 ? pair.slice(0, slash) : '';
    const id = slash > 0 ? pair.slice(slash + 1) : '';
    if (ID.test(device) && ID.test(id)) entries.push({ device, id });
    else counts.invalid++;
  }
  for (let i = 0; i < entries.length; i += 5000) counts.batchIds += await store.rememberBatchIds(entries.slice(i, i + 5000), now);
  return counts;
}
