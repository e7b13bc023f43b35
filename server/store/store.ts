/**
 * The collector's storage contract: one small interface, implemented by the
 * embedded default (no setup) and by PostgreSQL (`DATABASE_URL`), and checked
 * by one contract suite (`test/server/store-contract.test.ts`) run against every
 * implementation.
 *
 * Every method is a bounded amount of work: its cost grows with its own input
 * (one batch, one device), never with the stored population. A batch is joined
 * in the database in one transaction (an upsert per key that keeps the larger
 * value by `core/merge`'s order, guarded by the per-device-and-key sequence
 * number), so collector processes hold no state of their own and several of
 * them can serve one database.
 */
import type { Delta, DeviceState } from '../../src/core/merge.js';
import type { DecisionLogStore } from './decision-log-store.js';
import type { ModelRegistry } from './model-registry.js';

/** Server-side bounds a batch is checked against inside its transaction. */
export interface DeviceBounds {
  /** Most fields one device may hold; deltas for new keys past it are refused (counted in `refused`). */
  maxFields: number;
  /** Most bytes of field JSON one device may hold; deltas that would pass it are refused. */
  maxBytes: number;
  /** Largest step of a batch's highest `s` above the device's highest `s` so far; a larger jump refuses the whole batch. */
  maxSeqStep: number;
}

/** One batch, already validated by the HTTP layer and authenticated to its device. */
export interface BatchInput {
  device: string;
  /** Batch id (`[A-Za-z0-9_-]{1,64}`); a second batch with the same id for the same device changes nothing, durably. */
  id: string;
  deltas: readonly Delta[];
  /** Collector clock at receipt, epoch ms. */
  receivedAt: number;
  /** Client clock minus collector clock, ms. */
  skewMs: number;
  /** Request body size, bytes. */
  bytes: number;
}

/** What applying a batch did. */
export interface BatchOutcome {
  /** The batch id was applied before; nothing changed. */
  duplicate: boolean;
  /** Deltas joined (their `s` above the last applied for their key). */
  applied: number;
  /** Deltas refused by {@link DeviceBounds} (fields or bytes per device). */
  refused: number;
  /** Set when the whole batch was refused (nothing applied, id not remembered): `'seq-step'`. */
  rejected?: 'seq-step';
}

/** One accepted batch as QA sees it (`GET /v1/received`, admin only). */
export interface ReceivedBatch {
  id: string;
  device: string;
  receivedAt: number;
  skewMs: number;
  deltas: number;
  applied: number;
  bytes: number;
  duplicate: boolean;
}

/**
 * The storage behind the collector: profiles (below), the decision log ({@link DecisionLogStore})
 * and the model registry ({@link ModelRegistry}). All methods are safe to call from several processes at once.
 */
export interface CollectorStore extends DecisionLogStore, ModelRegistry {
  /** `'sqlite'`, `'pglite'`, `'postgres'`…: which implementation this is (health output, benchmarks). */
  readonly kind: string;

  /** Creates tables and indexes if missing (idempotent); called once at start. */
  migrate(): Promise<void>;
  /** Resolves when the database answers (readiness probe). */
  ping(): Promise<void>;
  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;

  /**
   * Records the credential hash of a device (`sha256` of the secret the client made, hex),
   * unless it already has one. `'created'` when it was stored now, `'exists'` when the device
   * already had a credential (the caller compares it with {@link credentialOf}).
   */
  registerDevice(device: string, credentialHash: string, now: number): Promise<'created' | 'exists'>;
  /** The credential hash of a device, if it registered one. */
  credentialOf(device: string): Promise<string | undefined>;
  /** Replaces a device's credential hash (restore after a wiped browser store, proven by the device cookie). */
  replaceCredential(device: string, credentialHash: string, now: number): Promise<void>;

  /** Applies one batch in one transaction (see {@link BatchOutcome}); records it in the QA log. */
  applyBatch(batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome>;
  /** A device's merged fields and highest sequence number, if it has any. */
  device(device: string): Promise<DeviceState | undefined>;
  /** Several devices' states at once (linked devices of one user), unknown ids left out. */
  devices(devices: readonly string[]): Promise<Record<string, DeviceState>>;

  /** Links a device to a user id the site vouched for (verified identify). Idempotent. */
  linkUser(device: string, userId: string, now: number): Promise<void>;
  /** The verified user id of a device, if any. */
  userOf(device: string): Promise<string | undefined>;
  /** Every device verified as this user, at most `limit` (oldest link first). */
  devicesOfUser(userId: string, limit: number): Promise<string[]>;

  /**
   * Erases a device and every device verified as the same user: fields, sequence numbers,
   * credentials, links, QA log entries, and their decision log (decisions and outcomes; model
   * versions are not personal data and stay). Batch ids stay remembered (for the retention
   * window), so a late retry of an old batch cannot bring data back. Returns the erased device ids.
   */
  erase(device: string): Promise<string[]>;

  /** The most recent accepted batches, oldest first, at most `limit` (QA). */
  received(limit: number): Promise<ReceivedBatch[]>;
  /** How many devices are stored (health, benchmarks); may be an estimate on large tables. */
  countDevices(): Promise<number>;
}
