/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode, one file
 * (`<dataDir>/collector.sqlite`), no setup. Chosen over PGlite by measurement
 * (docs/backend.md, "Choosing the embedded store").
 *
 * Batches are applied in `BEGIN IMMEDIATE` transactions, which take SQLite's
 * single write lock, so batches from several processes on one file are
 * applied one after another (a second process waits up to `busy_timeout`);
 * concurrent batches and decision log requests of one process share a
 * transaction (group commit), each in its own savepoint.
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
import type { OutcomeRecord } from '../../src/core/decision-record.js';
import type { DecisionLogBounds, DecisionLogInput, DecisionLogOutcome, DecisionScan, LoggedDecision } from './decision-log-store.js';
import { outcomeKey, planDecisionLog } from './decision-log-plan.js';
import { type DecisionRow, decisionText, encodeCursor, loggedDecision, outcomeText, pageSize, scanStart, timeBound } from './decision-rows.js';
import { BATCH_ID_PRUNE_STEP, BATCH_ID_RETENTION_MS, RECEIVED_LOG_LIMIT } from './limits.js';
import type { ModelVersion, Promotion } from './model-registry.js';
import { type ModelVersionRow, modelVersionOf } from './model-rows.js';
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
CREATE INDEX IF NOT EXISTS batches_by_time ON batches (received_at);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decision_devices (device TEXT PRIMARY KEY, decisions INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decisions (
  device TEXT NOT NULL, id TEXT NOT NULL, received_at INTEGER NOT NULL, skew_ms INTEGER NOT NULL,
  outcomes INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL, PRIMARY KEY (device, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS decisions_by_receipt ON decisions (received_at, device, id);
CREATE TABLE IF NOT EXISTS outcomes (
  device TEXT NOT NULL, decision TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY (device, decision, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS model_versions (
  version INTEGER PRIMARY KEY, model_id TEXT NOT NULL, document TEXT NOT NULL, created_at INTEGER NOT NULL,
  source TEXT NOT NULL, evaluation TEXT
);
CREATE TABLE IF NOT EXISTS promotions (
  n INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS live_model (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL);
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

/** A scanned decision's outcomes as one JSON array, read in the same statement (a key range per decision that has any). */
const OUTCOMES_JSON = "CASE WHEN outcomes = 0 THEN '[]' ELSE (SELECT json_group_array(json(o.record)) FROM outcomes o WHERE o.device = decisions.device AND o.decision = decisions.id) END";

/** Named parameters of the decision scan. */
interface ScanParameters {
  until: number;
  at: number;
  device: string;
  id: string;
  limit: number;
}

/** Most writes one group commit applies. */
const GROUP_LIMIT = 64;

/** A write (a batch, a decision log request) waiting for the next group commit. */
interface PendingWrite {
  /** Runs inside the group's transaction, in a savepoint of its own. */
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The embedded {@link CollectorStore}. */
export class SqliteStore implements CollectorStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private statements: ReturnType<SqliteStore['prepare']> | undefined;
  private readonly pending: PendingWrite[] = [];

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
      pruneBatchIds: db.prepare('DELETE FROM batches WHERE (device, id) IN (SELECT device, id FROM batches WHERE received_at < ? ORDER BY received_at LIMIT ?)'),
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
      ...this.prepareDecisionLog(),
      ...this.prepareRegistry(),
    };
  }

  private prepareDecisionLog() {
    const db = this.db;
    return {
      decisionCount: db.prepare<[string], { decisions: number }>('SELECT decisions FROM decision_devices WHERE device = ?'),
      setDecisionCount: db.prepare('INSERT INTO decision_devices (device, decisions) VALUES (?, ?) ON CONFLICT (device) DO UPDATE SET decisions = excluded.decisions'),
      decisionOutcomes: db.prepare<[string, string], { outcomes: number }>('SELECT outcomes FROM decisions WHERE device = ? AND id = ?'),
      outcomeStored: db.prepare<[string, string, string], { one: number }>('SELECT 1 AS one FROM outcomes WHERE device = ? AND decision = ? AND id = ?'),
      insertDecision: db.prepare('INSERT INTO decisions (device, id, received_at, skew_ms, outcomes, record) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING'),
      insertOutcome: db.prepare('INSERT INTO outcomes (device, decision, id, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      setOutcomeCount: db.prepare('UPDATE decisions SET outcomes = ? WHERE device = ? AND id = ?'),
      // The row value is the index's start (SQLite seeks `(received_at, device, id) > (…)` directly). No
      // `received_at >= since` beside it (the start is never before `since`): with two lower bounds SQLite
      // sought `since` and read the whole window before the cursor on every page.
      scanDecisions: db.prepare<[ScanParameters], DecisionRow & { id: string; outcomes: string }>(
        `SELECT device, id, received_at AS receivedAt, ${OUTCOMES_JSON} AS outcomes, record FROM decisions INDEXED BY decisions_by_receipt
         WHERE received_at < @until AND (received_at, device, id) > (@at, @device, @id) ORDER BY received_at, device, id LIMIT @limit`,
      ),
      countDecisions: db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM decisions WHERE received_at >= ? AND received_at < ?'),
      deleteDecisions: db.prepare('DELETE FROM decisions WHERE device = ?'),
      deleteOutcomes: db.prepare('DELETE FROM outcomes WHERE device = ?'),
      deleteDecisionCount: db.prepare('DELETE FROM decision_devices WHERE device = ?'),
    };
  }

  private prepareRegistry() {
    const db = this.db;
    return {
      addVersion: db.prepare(
        'INSERT INTO model_versions (version, model_id, document, created_at, source, evaluation) SELECT coalesce(max(version), 0) + 1, ?, ?, ?, ?, ? FROM model_versions RETURNING version',
      ),
      version: db.prepare<[number], ModelVersionRow & { document: string }>('SELECT * FROM model_versions WHERE version = ?'),
      versions: db.prepare<[number], ModelVersionRow>('SELECT version, model_id, created_at, source, evaluation FROM model_versions ORDER BY version DESC LIMIT ?'),
      setLive: db.prepare('INSERT INTO live_model (one, version) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET version = excluded.version'),
      addPromotion: db.prepare('INSERT INTO promotions (version, at, reason) VALUES (?, ?, ?)'),
      live: db.prepare<[], ModelVersionRow & { document: string }>('SELECT m.* FROM live_model l JOIN model_versions m ON m.version = l.version'),
      promotions: db.prepare<[number], { version: number; at: number; reason: string }>('SELECT version, at, reason FROM promotions ORDER BY n DESC LIMIT ?'),
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
   * Group commit: writes (batches, decision log requests) that arrive in the same turn of the event
   * loop (concurrent requests) are applied in one transaction, each in its own savepoint, and
   * acknowledged after its one commit. Durability is unchanged (nothing resolves before the fsync of
   * its commit), but one fsync serves the whole group: under load it was two thirds of a batch's cost.
   */
  private enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  applyBatch(batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome> {
    // A rejected batch throws inside its savepoint, which rolls it back alone; its answer is an outcome.
    return this.enqueue(() => this.applyInTransaction(batch, bounds)).catch((error: unknown) => {
      if (error instanceof RejectedBatch) return { duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' as const };
      throw error;
    });
  }

  /** Applies the waiting writes (at most {@link GROUP_LIMIT}) in one transaction. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const group = this.pending.splice(0, GROUP_LIMIT);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    const results: ({ value: unknown } | { error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const item of group) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a failed or rejected write rolls back alone.
            results.push({ value: this.db.transaction(item.run)() });
          } catch (error) {
            results.push({ error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const result = results[i] as { value: unknown } | { error: unknown };
      if ('value' in result) item.resolve(result.value);
      else item.reject(result.error);
    });
  }

  private applyInTransaction(batch: BatchInput, bounds: DeviceBounds): BatchOutcome {
    const sql = this.sql;
    if (sql.rememberBatch.run(batch.device, batch.id, batch.receivedAt).changes === 0) {
      this.log(batch, 0, true);
      return { duplicate: true, applied: 0, refused: 0 };
    }
    sql.pruneBatchIds.run(batch.receivedAt - BATCH_ID_RETENTION_MS, BATCH_ID_PRUNE_STEP);
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
        const decisions = this.sql.deleteDecisions.run(target).changes;
        this.sql.deleteOutcomes.run(target);
        this.sql.deleteDecisionCount.run(target);
        if (deleted || linked || fields || decisions) erased.push(target);
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

  appendDecisionLog(input: DecisionLogInput, bounds: DecisionLogBounds): Promise<DecisionLogOutcome> {
    return this.enqueue(() => this.appendInTransaction(input, bounds));
  }

  private appendInTransaction(input: DecisionLogInput, bounds: DecisionLogBounds): DecisionLogOutcome {
    const sql = this.sql;
    const device = input.device;
    const outcomesPerDecision = new Map<string, number>();
    for (const id of new Set([...input.decisions.map((d) => d.id), ...input.outcomes.map((o) => o.d)])) {
      const row = sql.decisionOutcomes.get(device, id);
      if (row) outcomesPerDecision.set(id, row.outcomes);
    }
    const outcomes = new Set<string>();
    for (const o of input.outcomes) if (sql.outcomeStored.get(device, o.d, o.id)) outcomes.add(outcomeKey(o.d, o.id));
    const decisions = sql.decisionCount.get(device)?.decisions ?? 0;
    const plan = planDecisionLog(input.decisions, input.outcomes, { decisions, outcomesPerDecision, outcomes }, bounds);
    const skew = Math.round(input.skewMs);
    for (const d of plan.decisions) sql.insertDecision.run(device, d.id, input.receivedAt, skew, decisionText(d));
    for (const o of plan.outcomes) sql.insertOutcome.run(device, o.d, o.id, outcomeText(o));
    for (const [id, count] of plan.outcomeCounts) sql.setOutcomeCount.run(count, device, id);
    if (plan.total !== decisions) sql.setDecisionCount.run(device, plan.total);
    return plan.counts;
  }

  async scanDecisions(scan: DecisionScan): Promise<{ rows: LoggedDecision[]; next?: string }> {
    const start = scanStart(scan);
    const limit = pageSize(scan);
    // One read transaction: the page and its outcomes come from one snapshot.
    return this.db.transaction(() => {
      const found = this.sql.scanDecisions.all({ until: timeBound(scan.until), at: start.receivedAt, device: start.device, id: start.id, limit: limit + 1 });
      const page = found.slice(0, limit);
      const rows = page.map((row) => loggedDecision(row, JSON.parse(row.outcomes) as OutcomeRecord[]));
      const last = page[page.length - 1];
      return found.length > limit && last ? { rows, next: encodeCursor({ receivedAt: last.receivedAt, device: last.device, id: last.id }) } : { rows };
    })();
  }

  async countDecisions(since: number, until: number): Promise<number> {
    return this.sql.countDecisions.get(timeBound(since), timeBound(until))?.n ?? 0;
  }

  async addModelVersion(version: Omit<ModelVersion, 'version'>): Promise<number> {
    return this.db.transaction(() => {
      const row = this.sql.addVersion.get(version.modelId, version.document, version.createdAt, JSON.stringify(version.source), version.evaluation ?? null) as { version: number };
      return row.version;
    }).immediate();
  }

  async modelVersion(version: number): Promise<ModelVersion | undefined> {
    const row = this.sql.version.get(version);
    return row && modelVersionOf(row);
  }

  async modelVersions(limit: number): Promise<Omit<ModelVersion, 'document'>[]> {
    return this.sql.versions.all(Math.max(0, Math.floor(limit))).map(modelVersionOf);
  }

  async promote(version: number, at: number, reason: string): Promise<void> {
    this.db.transaction(() => {
      if (!this.sql.version.get(version)) throw new Error(`no model version ${version}`);
      this.sql.setLive.run(version);
      this.sql.addPromotion.run(version, at, reason);
    }).immediate();
  }

  async liveModel(): Promise<ModelVersion | undefined> {
    const row = this.sql.live.get();
    return row && modelVersionOf(row);
  }

  async promotions(limit: number): Promise<Promotion[]> {
    return this.sql.promotions.all(Math.max(0, Math.floor(limit))).map((r) => ({ version: r.version, at: r.at, reason: r.reason }));
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

