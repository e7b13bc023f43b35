/**
 * An in-memory {@link CollectorStore} for the service's own tests: the whole
 * contract (credentials, batch ids, per-key sequence numbers, bounds, verified
 * links, erasure, QA log) in plain maps, so HTTP-level tests run without a
 * database. Never shipped: the service runs on server/store implementations.
 */
import type { BatchInput, BatchOutcome, CollectorStore, DeviceBounds, ReceivedBatch } from '../../server/store/store.js';
import { type DeviceState, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';

/** Bytes a field occupies in the per-device budget: its key and its JSON. */
const fieldBytes = (key: string, field: unknown): number => key.length + JSON.stringify(field).length;

/** A complete in-memory implementation of the store contract (tests only). */
export class MemoryStore implements CollectorStore {
  readonly kind = 'memory';
  private readonly credentials = new Map<string, string>();
  private readonly states = new Map<string, DeviceState>();
  private readonly seqs = new Map<string, Map<string, number>>();
  private readonly seen = new Set<string>();
  private readonly users = new Map<string, { user: string; at: number }>();
  private log: ReceivedBatch[] = [];
  private closed = false;

  private check(): void {
    if (this.closed) throw new Error('store is closed');
  }

  async migrate(): Promise<void> {
    this.check();
  }

  async ping(): Promise<void> {
    this.check();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async registerDevice(device: string, credentialHash: string): Promise<'created' | 'exists'> {
    this.check();
    if (this.credentials.has(device)) return 'exists';
    this.credentials.set(device, credentialHash);
    return 'created';
  }

  async credentialOf(device: string): Promise<string | undefined> {
    this.check();
    return this.credentials.get(device);
  }

  async replaceCredential(device: string, credentialHash: string): Promise<void> {
    this.check();
    this.credentials.set(device, credentialHash);
  }

  async applyBatch(batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome> {
    this.check();
    const seenKey = batch.device + '/' + batch.id;
    const record = (applied: number, duplicate: boolean): void => {
      this.log.push({ id: batch.id, device: batch.device, receivedAt: batch.receivedAt, skewMs: batch.skewMs, deltas: batch.deltas.length, applied, bytes: batch.bytes, duplicate });
      if (this.log.length > 10_000) this.log.shift();
    };
    if (this.seen.has(seenKey)) {
      record(0, true);
      return { duplicate: true, applied: 0, refused: 0 };
    }
    const state = this.states.get(batch.device) ?? emptyDeviceState();
    const highest = batch.deltas.reduce((max, d) => Math.max(max, d.s), 0);
    if (highest - state.seq > bounds.maxSeqStep) return { duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' };
    const seqs = this.seqs.get(batch.device) ?? new Map<string, number>();
    const fields = new Map(Object.entries(state.fields));
    let bytes = [...fields].reduce((sum, [key, field]) => sum + fieldBytes(key, field), 0);
    const fresh = [];
    let refused = 0;
    for (const delta of batch.deltas) {
      if (delta.s <= (seqs.get(delta.key) ?? -1)) continue;
      const before = fields.get(delta.key);
      const next = applyDeltas({ seq: 0, fields: before ? { [delta.key]: before } : {} }, [delta]).fields[delta.key];
      const grown = bytes - (before ? fieldBytes(delta.key, before) : 0) + fieldBytes(delta.key, next);
      if ((!before && fields.size >= bounds.maxFields) || grown > bounds.maxBytes) {
        refused++;
        continue;
      }
      bytes = grown;
      fields.set(delta.key, next as DeviceState['fields'][string]);
      seqs.set(delta.key, delta.s);
      fresh.push(delta);
    }
    this.seqs.set(batch.device, seqs);
    this.states.set(batch.device, applyDeltas(state, fresh));
    this.seen.add(seenKey);
    record(fresh.length, false);
    return { duplicate: false, applied: fresh.length, refused };
  }

  async device(device: string): Promise<DeviceState | undefined> {
    this.check();
    const state = this.states.get(device);
    return state && structuredClone(state);
  }

  async devices(devices: readonly string[]): Promise<Record<string, DeviceState>> {
    const out: Record<string, DeviceState> = {};
    for (const id of devices) {
      const state = await this.device(id);
      if (state) out[id] = state;
    }
    return out;
  }

  async linkUser(device: string, userId: string, now: number): Promise<void> {
    this.check();
    if (this.users.get(device)?.user !== userId) this.users.set(device, { user: userId, at: now });
  }

  async userOf(device: string): Promise<string | undefined> {
    this.check();
    return this.users.get(device)?.user;
  }

  async devicesOfUser(userId: string, limit: number): Promise<string[]> {
    this.check();
    return [...this.users].filter(([, link]) => link.user === userId).sort((a, b) => a[1].at - b[1].at).slice(0, limit).map(([device]) => device);
  }

  async erase(device: string): Promise<string[]> {
    this.check();
    const user = this.users.get(device)?.user;
    const linked = user === undefined ? [] : [...this.users].filter(([, link]) => link.user === user).map(([d]) => d);
    const erased = [...new Set([device, ...linked])].filter((d) => this.states.has(d) || this.credentials.has(d) || this.users.has(d));
    for (const d of erased) {
      this.states.delete(d);
      this.seqs.delete(d);
      this.credentials.delete(d);
      this.users.delete(d);
    }
    this.log = this.log.filter((entry) => !erased.includes(entry.device));
    return erased;
  }

  async received(limit: number): Promise<ReceivedBatch[]> {
    this.check();
    return this.log.slice(-limit);
  }

  async countDevices(): Promise<number> {
    this.check();
    return new Set([...this.states.keys(), ...this.credentials.keys()]).size;
  }
}
