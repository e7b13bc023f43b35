/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode, one file
 * (`<dataDir>/collector.sqlite`), no setup. Chosen over PGlite by measurement
 * (docs/backend.md, "Choosing the embedded store").
 *
 * Batches are applied in `BEGIN IMMEDIATE` transactions, which take SQLite's
 * single write lock, so batches from several processes on one file are
 * applied one after another (a second process waits up to `busy_timeout`);
 * concurrent batches of one process share a transaction (group commit), each
 * in its own savepoint.
 * Inside it the join runs in SQL: an upsert per key whose `DO UPDATE … WHERE`
 * only lets a higher sequence number through and only replaces the value when
 * the incoming field is greater in `core/field`'s order.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Field } from '../../src/core/field.js';
import type { DeviceState } from '../../src/core/merge.js';
import { type DeviceCounters, type StoredField, planBatch } from './batch-plan.js';
import { fieldColumns, incomingWinsSql } from './field-columns.js';
import { RECEIVED_LOG_LIMIT } from './limits.js';
import type { BatchInput, BatchOutcome, CollectorStore, DeviceBounds, ReceivedBatch } from './store.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file (created with its folder if missing). */
  file: string;
  /**
   * `'full'` (default) makes every acknowledged batch survive a power cut (WAL fsync per commit);
   * `'normal'` only survives a crash of the process (SQLite's `synchronous=NORMAL` in WAL mode).
   */
  durability?: 'full' | 'normal';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  device TEXT PRIMARY KEY, credential TEXT, seq INTEGER NOT NULL DEFAULT 0,
  nfields INTEGER NOT NULL DEFAULT 0, nbytes INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fields (
  device TEXT NOT NULL, key TEXT NOT NULL, s INTEGER NOT NULL,
  kr INTEGER NOT NULL, v REAL, t REAL, r BLOB, f TEXT NOT NULL, bytes INTEGER NOT NULL,
  PRIMARY KEY (device, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
  device TEXT NOT NULL, id TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (device, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
  device TEXT PRIMARY KEY, user_id TEXT NOT NULL, linked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_by_user ON links (user_id, linked_at, device);
CREATE TABLE IF NOT EXISTS received (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, device TEXT NOT NULL, received_at INTEGER NOT NULL,
  skew_ms INTEGER NOT NULL, deltas INTEGER NOT NULL, applied INTEGER NOT NULL, bytes INTEGER NOT NULL,
  duplicate INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('devices', 0), ('schema', 1);
`;

const UPSERT_FIELD = `
INSERT INTO fields (device, key, s, kr, v, t, r, f, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (device, key) DO UPDATE SET s = excluded.s,
  ${['kr', 'v', 't', 'r', 'f', 'bytes'].map((c) => `${c} = CASE WHEN ${incomingWinsSql('excluded', 'fields')} THEN excluded.${c} ELSE fields.${c} END`).join(',\n  ')}
WHERE excluded.s > fields.s`;

interface DeviceRow {
  seq: number;
  nfields: number;
  nbytes: number;
}

interface ReceivedRow {
  id: string;
  device: string;
  received_at: number;
  skew_ms: number;
  deltas: number;
  applied: number;
  bytes: number;
  duplicate: number;
}

/** Most batches one group commit applies. */
const GROUP_LIMIT = 64;

/** A batch waiting for the next group commit. */
interface PendingBatch {
  batch: BatchInput;
  bounds: DeviceBounds;
  resolve(outcome: BatchOutcome): void;
  reject(error: unknown): void;
}

/** The embedded {@link CollectorStore}. */
export class SqliteStore implements CollectorStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private statements: ReturnType<SqliteStore['prepare']> | undefined;
  private readonly pending: PendingBatch[] = [];

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    // Checkpoints reuse the WAL file; past this size it is truncated back, so it does not stay at its peak.
    this.db.pragma('journal_size_limit = 67108864');
    this.db.pragma('cache_size = -65536');
  }

  async migrate(): Promise<void> {
    this.db.exec(SCHEMA);
    this.statements = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      rememberBatch: db.prepare('INSERT OR IGNORE INTO batches (device, id, received_at) VALUES (?, ?, ?)'),
      insertDevice: db.prepare('INSERT OR IGNORE INTO devices (device, created_at) VALUES (?, ?)'),
      counters: db.prepare<[string], DeviceRow>('SELECT seq, nfields, nbytes FROM devices WHERE device = ?'),
      setCounters: db.prepare('UPDATE devices SET seq = ?, nfields = ?, nbytes = ? WHERE device = ?'),
      storedField: db.prepare<[string, string], { s: number; f: string; bytes: number }>('SELECT s, f, bytes FROM fields WHERE device = ? AND key = ?'),
      upsertField: db.prepare(UPSERT_FIELD),
      log: db.prepare('INSERT INTO received (id, device, received_at, skew_ms, deltas, applied, bytes, duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      trimLog: db.prepare('DELETE FROM received WHERE n <= ?'),
      countDelta: db.prepare("UPDATE meta SET value = value + ? WHERE name = 'devices'"),
      registerDevice: db.prepare('INSERT INTO devices (device, credential, created_at) VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET credential = excluded.credential WHERE devices.credential IS NULL'),
      credential: db.prepare<[string], { credential: string | null }>('SELECT credential FROM devices WHERE device = ?'),
      replaceCredential: db.prepare('INSERT INTO devices (device, credential, created_at) VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET credential = excluded.credential'),
      fieldsOf: db.prepare<[string], { key: string; f: string }>('SELECT key, f FROM fields WHERE device = ?'),
      link: db.prepare('INSERT INTO links (device, user_id, linked_at) VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET user_id = excluded.user_id, linked_at = excluded.linked_at WHERE links.user_id <> excluded.user_id'),
      userOf: db.prepare<[string], { user_id: string }>('SELECT user_id FROM links WHERE device = ?'),
      devicesOfUser: db.prepare<[string, number], { device: string }>('SELECT device FROM links WHERE user_id = ? ORDER BY linked_at, device LIMIT ?'),
      deleteFields: db.prepare('DELETE FROM fields WHERE device = ?'),
      deleteDevice: db.prepare('DELETE FROM devices WHERE device = ?'),
      deleteLink: db.prepare('DELETE FROM links WHERE device = ?'),
      deleteLog: db.prepare('DELETE FROM received WHERE device = ?'),
      received: db.prepare<[number], ReceivedRow>('SELECT * FROM (SELECT * FROM received ORDER BY n DESC LIMIT ?) ORDER BY n'),
      countDevices: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'devices'"),
    };
  }

  private get sql(): NonNullable<SqliteStore['statements']> {
    if (!this.statements) throw new Error('SqliteStore: migrate() was not called');
    return this.statements;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.drain();
    if (this.db.open) this.db.close();
  }

  /**
   * Applies the batches waiting for a group commit now. `erase` calls it first, so a forget
   * called after a batch erases that batch. (Credentials and links touch no row a batch writes,
   * so they do not wait: draining on every request's credential check would undo the grouping.)
   */
  private drain(): void {
    while (this.pending.length > 0) this.flush();
  }

  async registerDevice(device: string, credentialHash: string, now: number): Promise<'created' | 'exists'> {
    // The common case (a known device on every request) reads without taking the write lock.
    if (this.sql.credential.get(device)?.credential) return 'exists';
    return this.db.transaction((): 'created' | 'exists' => {
      const inserted = this.sql.insertDevice.run(device, now).changes === 1;
      if (inserted) this.sql.countDelta.run(1);
      const result = this.sql.registerDevice.run(device, credentialHash, now);
      return result.changes === 1 ? 'created' : 'exists';
    }).immediate();
  }

  async credentialOf(device: string): Promise<string | undefined> {
    return this.sql.credential.get(device)?.credential ?? undefined;
  }

  async replaceCredential(device: string, credentialHash: string, now: number): Promise<void> {
    this.db.transaction(() => {
      if (this.sql.insertDevice.run(device, now).changes === 1) this.sql.countDelta.run(1);
      this.sql.replaceCredential.run(device, credentialHash, now);
    }).immediate();
  }

  /**
   * Group commit: batches that arrive in the same turn of the event loop (concurrent requests)
   * are applied in one transaction, each in its own savepoint, and acknowledged after its one
   * commit. Durability is unchanged (nothing resolves before the fsync of its commit), but one
   * fsync serves the whole group: under load it was two thirds of a batch's cost.
   */
  applyBatch(batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, bounds, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Applies the waiting batches (at most {@link GROUP_LIMIT}) in one transaction. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const group = this.pending.splice(0, GROUP_LIMIT);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    const results: ({ outcome: BatchOutcome } | { error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const item of group) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a failed or rejected batch rolls back alone.
            results.push({ outcome: this.db.transaction(() => this.applyInTransaction(item.batch, item.bounds))() });
          } catch (error) {
            results.push(error instanceof RejectedBatch ? { outcome: { duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' } } : { error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const result = results[i] as { outcome: BatchOutcome } | { error: unknown };
      if ('outcome' in result) item.resolve(result.outcome);
      else item.reject(result.error);
    });
  }

  private applyInTransaction(batch: BatchInput, bounds: DeviceBounds): BatchOutcome {
    const sql = this.sql;
    if (sql.rememberBatch.run(batch.device, batch.id, batch.receivedAt).changes === 0) {
      this.log(batch, 0, true);
      return { duplicate: true, applied: 0, refused: 0 };
    }
    if (sql.insertDevice.run(batch.device, batch.receivedAt).changes === 1) sql.countDelta.run(1);
    const row = sql.counters.get(batch.device) as DeviceRow;
    const counters: DeviceCounters = { seq: row.seq, fields: row.nfields, bytes: row.nbytes };
    const stored = new Map<string, StoredField>();
    for (const delta of batch.deltas) {
      if (stored.has(delta.key)) continue;
      const field = sql.storedField.get(batch.device, delta.key);
      if (field) stored.set(delta.key, { s: field.s, f: JSON.parse(field.f) as Field, bytes: field.bytes });
    }
    const plan = planBatch(batch.deltas, stored, counters, bounds);
    // Rolling back undoes the remembered id and the device row: a rejected batch leaves no trace.
    if (plan.rejected) throw new RejectedBatch();
    for (const write of plan.writes) {
      const c = fieldColumns(write.key, write.f);
      sql.upsertField.run(batch.device, write.key, write.s, c.kr, c.v, c.t, c.r, c.f, c.bytes);
    }
    sql.setCounters.run(plan.counters.seq, plan.counters.fields, plan.counters.bytes, batch.device);
    this.log(batch, plan.applied, false);
    return { duplicate: false, applied: plan.applied, refused: plan.refused };
  }

  private log(batch: BatchInput, applied: number, duplicate: boolean): void {
    const n = Number(this.sql.log.run(batch.id, batch.device, batch.receivedAt, Math.round(batch.skewMs), batch.deltas.length, applied, batch.bytes, duplicate ? 1 : 0).lastInsertRowid);
    if (n > RECEIVED_LOG_LIMIT) this.sql.trimLog.run(n - RECEIVED_LOG_LIMIT);
  }

  async device(device: string): Promise<DeviceState | undefined> {
    return this.db.transaction(() => this.readDevice(device))();
  }

  private readDevice(device: string): DeviceState | undefined {
    const row = this.sql.counters.get(device);
    if (!row) return undefined;
    const rows = this.sql.fieldsOf.all(device);
    if (rows.length === 0 && row.seq === 0) return undefined;
    const fields: Record<string, Field> = Object.create(null) as Record<string, Field>;
    for (const { key, f } of rows) fields[key] = JSON.parse(f) as Field;
    return { seq: row.seq, fields };
  }

  async devices(devices: readonly string[]): Promise<Record<string, DeviceState>> {
    return this.db.transaction(() => {
      const out: Record<string, DeviceState> = Object.create(null) as Record<string, DeviceState>;
      for (const device of new Set(devices)) {
        const state = this.readDevice(device);
        if (state) out[device] = state;
      }
      return out;
    })();
  }

  async linkUser(device: string, userId: string, now: number): Promise<void> {
    this.sql.link.run(device, userId, now);
  }

  async userOf(device: string): Promise<string | undefined> {
    return this.sql.userOf.get(device)?.user_id;
  }

  async devicesOfUser(userId: string, limit: number): Promise<string[]> {
    return this.sql.devicesOfUser.all(userId, Math.max(0, Math.floor(limit))).map((row) => row.device);
  }

  async erase(device: string): Promise<string[]> {
    this.drain();
    return this.db.transaction((): string[] => {
      const user = this.sql.userOf.get(device)?.user_id;
      const targets = new Set([device]);
      if (user !== undefined) for (const { device: d } of this.sql.devicesOfUser.all(user, -1)) targets.add(d);
      const erased: string[] = [];
      for (const target of targets) {
        const deleted = this.sql.deleteDevice.run(target).changes;
        if (deleted) this.sql.countDelta.run(-deleted);
        const linked = this.sql.deleteLink.run(target).changes;
        const fields = this.sql.deleteFields.run(target).changes;
        this.sql.deleteLog.run(target);
        if (deleted || linked || fields) erased.push(target);
      }
      return erased;
    }).immediate();
  }

  async received(limit: number): Promise<ReceivedBatch[]> {
    return this.sql.received.all(Math.max(0, Math.floor(limit))).map((row) => ({
      id: row.id,
      device: row.device,
      receivedAt: row.received_at,
      skewMs: row.skew_ms,
      deltas: row.deltas,
      applied: row.applied,
      bytes: row.bytes,
      duplicate: row.duplicate === 1,
    }));
  }

  async countDevices(): Promise<number> {
    return this.sql.countDevices.get()?.value ?? 0;
  }

  /**
   * Remembers batch ids as applied without applying anything (the JSON migration's old dedupe set);
   * returns how many were new.
   */
  async rememberBatchIds(entries: readonly { device: string; id: string }[], now: number): Promise<number> {
    return this.db.transaction(() => entries.reduce((n, e) => n + this.sql.rememberBatch.run(e.device, e.id, now).changes, 0))();
  }

  /** The underlying connection, for bulk loading in benchmarks and the JSON migration. */
  get connection(): Database.Database {
    return this.db;
  }
}

/** Thrown inside a transaction to roll it back when a batch is rejected whole. */
class RejectedBatch extends Error {}

