/**
 * Superseded by the collector service's stores (server/store): no server uses
 * this any more. It stays as the writer of the old `collector.json` format,
 * which `npm run migrate:json` imports and its test produces with it.
 *
 * The old collector's state: every device's merged fields, the highest sequence
 * number applied per device and key, the batch ids already applied, and a log
 * of accepted batches for QA. Persisted to one JSON file, written atomically
 * (temp file, fsync, rename) before a push is acknowledged, so a restart
 * loses nothing that was acknowledged.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type DeviceState, type Replica, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';
import type { ReceivedBatch } from '../../server/store/store.js';
import type { ValidBatch as ServiceBatch } from '../../server/validate.js';

/** The part of a validated batch this store reads. */
type ValidBatch = Pick<ServiceBatch, 'id' | 'device' | 'sentAt' | 'deltas'>;

/** Most batch ids remembered for deduplication. */
const SEEN_LIMIT = 100_000;
/** Most batches kept in the QA log. */
const LOG_LIMIT = 1000;

export type { ReceivedBatch };

interface Persisted {
  devices: Record<string, DeviceState>;
  seqs: Record<string, Record<string, number>>;
  seen: string[];
  log: ReceivedBatch[];
}

/** The collector's persistent state. */
export class CollectorStore {
  private readonly file: string;
  private devices = new Map<string, DeviceState>();
  private seqs = new Map<string, Record<string, number>>();
  private seen = new Set<string>();
  private log: ReceivedBatch[] = [];

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'collector.json');
    if (existsSync(this.file)) this.load();
  }

  private load(): void {
    const data = JSON.parse(readFileSync(this.file, 'utf8')) as Persisted;
    this.devices = new Map(Object.entries(data.devices));
    this.seqs = new Map(Object.entries(data.seqs ?? {}));
    this.seen = new Set(data.seen);
    this.log = data.log;
  }

  private persist(): void {
    const data: Persisted = { devices: Object.fromEntries(this.devices), seqs: Object.fromEntries(this.seqs), seen: [...this.seen], log: this.log };
    const tmp = this.file + '.tmp';
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /**
   * Applies a batch once: a batch id seen before changes nothing, and within a
   * batch a delta whose sequence number is not above the last one applied for
   * its device and key is skipped (the join would ignore it anyway).
   */
  accept(batch: ValidBatch, bytes = 0): ReceivedBatch {
    const seenKey = batch.device + '/' + batch.id;
    const duplicate = this.seen.has(seenKey);
    let applied = 0;
    if (!duplicate) {
      // Null prototype: keys come from the network.
      const seqs = this.seqs.get(batch.device) ?? (Object.create(null) as Record<string, number>);
      const fresh = batch.deltas.filter((d) => d.s > (seqs[d.key] ?? -1));
      for (const d of fresh) seqs[d.key] = d.s;
      applied = fresh.length;
      this.seqs.set(batch.device, seqs);
      this.devices.set(batch.device, applyDeltas(this.devices.get(batch.device) ?? emptyDeviceState(), fresh));
      this.seen.add(seenKey);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    }
    const receivedAt = Date.now();
    const record: ReceivedBatch = { id: batch.id, device: batch.device, receivedAt, skewMs: batch.sentAt - receivedAt, deltas: batch.deltas.length, applied, bytes, duplicate };
    this.log.push(record);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    this.persist();
    return record;
  }

  /** A device's merged state, if any. */
  device(device: string): DeviceState | undefined {
    return this.devices.get(device);
  }

  /** The user id a device was linked to by `identify` (its `u.id` register), if any. */
  userOf(device: string): string | undefined {
    const field = this.devices.get(device)?.fields['u.id'];
    return field?.k === 'r' && typeof field.v === 'string' ? field.v : undefined;
  }

  /** The device and every device linked to the same user id. */
  linked(device: string): string[] {
    const user = this.userOf(device);
    if (user === undefined) return this.devices.has(device) ? [device] : [];
    return [...this.devices.keys()].filter((d) => d === device || this.userOf(d) === user);
  }

  /** The replica of a device and the devices linked to it. */
  replica(device: string): Replica {
    const replica: Replica = {};
    for (const d of this.linked(device)) replica[d] = this.devices.get(d) as DeviceState;
    return replica;
  }

  /** Accepted batches, oldest first. */
  received(): ReceivedBatch[] {
    return this.log;
  }

  /** Erases a device, the devices linked to it by user id, and their log entries; returns the erased device ids. */
  erase(device: string): string[] {
    const erased = this.linked(device);
    for (const d of erased) {
      this.devices.delete(d);
      this.seqs.delete(d);
    }
    this.log = this.log.filter((entry) => !erased.includes(entry.device));
    this.persist();
    return erased;
  }
}
