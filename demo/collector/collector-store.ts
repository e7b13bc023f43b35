/**
 * The collector's state: every device's merged fields, the batch ids already
 * applied, and a log of accepted batches for QA. Persisted to one JSON file,
 * written atomically before a push is acknowledged, so a restart loses nothing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DeviceState, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';
import type { ValidBatch } from './validate.js';

/** Most batch ids remembered for deduplication. */
const SEEN_LIMIT = 100_000;
/** Most batches kept in the QA log. */
const LOG_LIMIT = 1000;

/** What one accepted batch looked like, for QA and tests. */
export interface ReceivedBatch {
  id: string;
  device: string;
  receivedAt: number;
  deltas: number;
  duplicate: boolean;
}

interface Persisted {
  devices: Record<string, DeviceState>;
  seen: string[];
  log: ReceivedBatch[];
}

/** The collector's persistent state. */
export class CollectorStore {
  private readonly file: string;
  private devices = new Map<string, DeviceState>();
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
    this.seen = new Set(data.seen);
    this.log = data.log;
  }

  private persist(): void {
    const data: Persisted = { devices: Object.fromEntries(this.devices), seen: [...this.seen], log: this.log };
    const tmp = this.file + '.tmp';
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.file);
  }

  /** Applies a batch once; a batch id seen before changes nothing. */
  accept(batch: ValidBatch): ReceivedBatch {
    const duplicate = this.seen.has(batch.device + '/' + batch.id);
    if (!duplicate) {
      const state = this.devices.get(batch.device) ?? emptyDeviceState();
      this.devices.set(batch.device, applyDeltas(state, batch.deltas));
      this.seen.add(batch.device + '/' + batch.id);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    }
    const record: ReceivedBatch = { id: batch.id, device: batch.device, receivedAt: Date.now(), deltas: batch.deltas.length, duplicate };
    this.log.push(record);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    this.persist();
    return record;
  }

  /** A device's merged state, if any. */
  device(device: string): DeviceState | undefined {
    return this.devices.get(device);
  }

  /** Accepted batches, oldest first. */
  received(): ReceivedBatch[] {
    return this.log;
  }

  /** Erases a device's state and log entries. */
  erase(device: string): void {
    this.devices.delete(device);
    this.log = this.log.filter((entry) => entry.device !== device);
    this.persist();
  }
}
