/**
 * The PostgreSQL store (`DATABASE_URL`), through a `pg` Pool.
 *
 * One transaction per batch, three statements whose cost follows the batch,
 * not the population:
 *  1. remember the batch id (`INSERT … ON CONFLICT DO NOTHING`: no row back means
 *     duplicate) and upsert the device's row, which locks it until commit, returning its counters;
 *  2. read the stored rows of the batch's own keys;
 *  then plan (per-key sequence check, bounds; `batch-plan.ts`), or roll back a rejected batch;
 *  3. one multi-row upsert whose `DO UPDATE … WHERE` runs the join in the database,
 *     with the device's new counters and the QA log entry in the same statement.
 * The device row lock serializes batches of one device across every process
 * sharing the database; batches of different devices run in parallel.
 *
 * Written against {@link SqlPool} so the same code runs on PGlite (used only
 * by the embedded-store comparison in bench/server).
 */
import pg from 'pg';
import type { OutcomeRecord } from '../../src/core/decision-record.js';
import type { Field } from '../../src/core/field.js';
import type { DeviceState } from '../../src/core/merge.js';
import { type StoredField, planBatch } from './batch-plan.js';
import { fieldColumns, incomingWinsSql } from './field-columns.js';
import type { DecisionLogBounds, DecisionLogInput, DecisionLogOutcome, DecisionScan, LoggedDecision } from './decision-log-store.js';
import { outcomeKey, planDecisionLog } from './decision-log-plan.js';
import { decisionText, encodeCursor, loggedDecision, outcomeText, pageSize, scanStart, timeBound } from './decision-rows.js';
import { BATCH_ID_PRUNE_STEP, BATCH_ID_RETENTION_MS, RECEIVED_LOG_LIMIT } from './limits.js';
import type { ModelVersion, Promotion } from './model-registry.js';
import { type ModelVersionRow, modelVersionOf } from './model-rows.js';
import type { BatchInput, BatchOutcome, CollectorStore, DeviceBounds, ReceivedBatch } from './store.js';

/** Something that runs one parameterized statement. */
export interface SqlSession {
  /** `name`: prepare once per connection and reuse (the hot statements of a batch); ignored where unsupported. */
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<{ rows: R[] }>;
}

/** Connections to one PostgreSQL database (or PGlite). */
export interface SqlPool extends SqlSession {
  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** Options of {@link openPgPool}. */
export interface PgPoolOptions {
  connectionString: string;
  /** Schema every connection uses (`search_path`); created by `migrate()` when missing. */
  schema?: string;
  /** Most connections (default 10). */
  max?: number;
}

/** Schema names are interpolated into DDL, so only plain identifiers are accepted. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name before it reaches `CREATE SCHEMA` or `search_path`. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name "${schema}": lowercase letters, digits and _ only`);
  return schema;
}

/** A {@link SqlPool} over a `pg` Pool. */
export function openPgPool(options: PgPoolOptions): SqlPool {
  const config: pg.PoolConfig = { connectionString: options.connectionString, max: options.max ?? 10 };
  if (options.schema !== undefined) config.options = `-c search_path=${checkSchemaName(options.schema)}`;
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    query: async (text, params, name) => pool.query(name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] }) as never,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const session: SqlSession = {
          query: async (text, params, name) => client.query(name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] }) as never,
        };
        const result = await work(session);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    end: () => pool.end(),
  };
}

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS devices (
  device text COLLATE "C" PRIMARY KEY, credential text, seq bigint NOT NULL DEFAULT 0,
  nfields integer NOT NULL DEFAULT 0, nbytes integer NOT NULL DEFAULT 0, created_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS fields (
  device text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, s bigint NOT NULL,
  kr smallint NOT NULL, v double precision, t double precision, r bytea, f text NOT NULL, bytes integer NOT NULL,
  PRIMARY KEY (device, key)
);
CREATE TABLE IF NOT EXISTS batches (
  device text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, received_at bigint NOT NULL, PRIMARY KEY (device, id)
);
CREATE TABLE IF NOT EXISTS links (
  device text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL, linked_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS links_by_user ON links (user_id, linked_at, device);
CREATE TABLE IF NOT EXISTS received (
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL, device text COLLATE "C" NOT NULL,
  received_at bigint NOT NULL, skew_ms bigint NOT NULL, deltas integer NOT NULL, applied integer NOT NULL,
  bytes integer NOT NULL, duplicate boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS received_by_device ON received (device);
CREATE INDEX IF NOT EXISTS batches_by_time ON batches (received_at);
CREATE TABLE IF NOT EXISTS decision_devices (device text COLLATE "C" PRIMARY KEY, decisions integer NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  device text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, received_at bigint NOT NULL, skew_ms bigint NOT NULL,
  outcomes integer NOT NULL DEFAULT 0, record text NOT NULL, PRIMARY KEY (device, id)
);
CREATE INDEX IF NOT EXISTS decisions_by_receipt ON decisions (received_at, device, id);
CREATE TABLE IF NOT EXISTS outcomes (
  device text COLLATE "C" NOT NULL, decision text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, record text NOT NULL,
  PRIMARY KEY (device, decision, id)
);
CREATE TABLE IF NOT EXISTS model_versions (
  version integer PRIMARY KEY, model_id text NOT NULL, document text NOT NULL, created_at bigint NOT NULL,
  source text NOT NULL, evaluation text
);
CREATE TABLE IF NOT EXISTS promotions (
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, version integer NOT NULL, at bigint NOT NULL, reason text NOT NULL
);
CREATE TABLE IF NOT EXISTS live_model (one smallint PRIMARY KEY CHECK (one = 1), version integer NOT NULL);
`;

/** The table or index a schema statement creates. */
const CREATED_NAME = /^CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)/;

const VALUE_COLUMNS = ['kr', 'v', 't', 'r', 'f', 'bytes'];

/**
 * Deletes up to {@link BATCH_ID_PRUNE_STEP} expired batch ids (skipping rows another transaction
 * holds, so two batches never wait on each other here), then remembers the batch id and, when it is new, upserts the device row: the no-op update makes the
 * upsert lock the row until commit (batches of one device serialize here) and return its counters.
 * `fresh` 0 means the id was applied before.
 */
const CLAIM_BATCH = `
WITH pruned AS (
  DELETE FROM batches WHERE (device, id) IN (
    SELECT device, id FROM batches WHERE received_at < $4 ORDER BY received_at LIMIT ${BATCH_ID_PRUNE_STEP} FOR UPDATE SKIP LOCKED)
), fresh AS (
  INSERT INTO batches (device, id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1 AS one
), dev AS (
  INSERT INTO devices (device, created_at) SELECT $1, $3 FROM fresh
  ON CONFLICT (device) DO UPDATE SET device = excluded.device RETURNING seq, nfields, nbytes
)
SELECT (SELECT count(*) FROM fresh) AS fresh, dev.seq, dev.nfields, dev.nbytes FROM (SELECT 1) one LEFT JOIN dev ON true`;

/**
 * Every write of a planned batch in one statement: the fields upsert with the join in its
 * `DO UPDATE … WHERE` (the batch's writes arrive as one array per column, each key once), the
 * device's counters, and the QA log entry with the trim of entries 1000 behind it.
 */
const WRITE_BATCH = `
WITH up AS (
  INSERT INTO fields AS cur (device, key, s, kr, v, t, r, f, bytes)
  SELECT $1, w.key, w.s, w.kr, w.v, w.t, decode(w.r, 'hex'), w.f, w.bytes
  FROM unnest($2::text[], $3::bigint[], $4::smallint[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::integer[])
    AS w (key, s, kr, v, t, r, f, bytes)
  ON CONFLICT (device, key) DO UPDATE SET s = excluded.s,
    ${VALUE_COLUMNS.map((c) => `${c} = CASE WHEN ${incomingWinsSql('excluded', 'cur')} THEN excluded.${c} ELSE cur.${c} END`).join(',\n    ')}
  WHERE excluded.s > cur.s
  RETURNING 1
), counters AS (
  UPDATE devices SET seq = $10, nfields = $11, nbytes = $12 WHERE device = $1 RETURNING 1
), entry AS (
  INSERT INTO received (id, device, received_at, skew_ms, deltas, applied, bytes, duplicate)
  VALUES ($13, $1, $14, $15, $16, $17, $18, false) RETURNING n
)
DELETE FROM received WHERE n <= (SELECT n FROM entry) - ${RECEIVED_LOG_LIMIT}`;

const LOG_AND_TRIM = `
WITH entry AS (
  INSERT INTO received (id, device, received_at, skew_ms, deltas, applied, bytes, duplicate)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING n
)
DELETE FROM received WHERE n <= (SELECT n FROM entry) - ${RECEIVED_LOG_LIMIT}`;

/**
 * Every write of a planned decision log request in one statement (under the device's
 * `decision_devices` row lock): new decisions with their outcome counts, new outcomes, the
 * outcome counts of decisions stored before, and the device's decision count.
 */
const WRITE_DECISION_LOG = `
WITH d AS (
  INSERT INTO decisions (device, id, received_at, skew_ms, outcomes, record)
  SELECT $1, x.id, $2, $3, x.outcomes, x.record FROM unnest($4::text[], $5::integer[], $6::text[]) AS x (id, outcomes, record)
  ON CONFLICT DO NOTHING RETURNING 1
), o AS (
  INSERT INTO outcomes (device, decision, id, record)
  SELECT $1, x.decision, x.id, x.record FROM unnest($7::text[], $8::text[], $9::text[]) AS x (decision, id, record)
  ON CONFLICT DO NOTHING RETURNING 1
), u AS (
  UPDATE decisions SET outcomes = x.outcomes FROM unnest($10::text[], $11::integer[]) AS x (id, outcomes)
  WHERE decisions.device = $1 AND decisions.id = x.id RETURNING 1
)
UPDATE decision_devices SET decisions = $12 WHERE device = $1`;

/**
 * One page of the scan, each decision with its outcomes as a JSON array (a primary-key range per
 * decision that has any). The row comparison is the index's start (the scan's start is never before
 * `since`, so no second lower bound competes with it).
 */
const SCAN_DECISIONS = `
SELECT d.device, d.id, d.received_at, d.record,
  CASE WHEN d.outcomes = 0 THEN '[]'::json ELSE (SELECT json_agg(o.record::json) FROM outcomes o WHERE o.device = d.device AND o.decision = d.id) END AS outcomes
FROM decisions d
WHERE d.received_at < $1 AND (d.received_at, d.device, d.id) > ($2::bigint, $3::text, $4::text)
ORDER BY d.received_at, d.device, d.id LIMIT $5`;

/** Advisory lock keys: the migration, version numbering, promotion. */
const LOCK_MIGRATE = 7263001;
const LOCK_VERSIONS = 7263002;
const LOCK_PROMOTE = 7263003;

/** PostgreSQL error codes worth one more try: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

interface DeviceRow {
  seq: string | number;
  nfields: number;
  nbytes: number;
}

/** Thrown inside a transaction to roll it back when a batch is rejected whole. */
class RejectedBatch extends Error {}

/** The PostgreSQL {@link CollectorStore}. */
export class PostgresStore implements CollectorStore {
  constructor(
    private readonly pool: SqlPool,
    private readonly schema?: string,
    readonly kind: string = 'postgres',
  ) {}

  async migrate(): Promise<void> {
    await this.pool.transaction(async (session) => {
      // Several processes may start at once: one migrates, the others wait for it.
      await session.query('SELECT pg_advisory_xact_lock($1)', [LOCK_MIGRATE]);
      if (this.schema !== undefined) await session.query(`CREATE SCHEMA IF NOT EXISTS ${checkSchemaName(this.schema)}`);
      for (const statement of SCHEMA_SQL.split(';').map((s) => s.trim()).filter(Boolean)) {
        // Only what is missing: `CREATE INDEX IF NOT EXISTS` locks its table before it looks, so a process
        // starting beside others that apply batches would take table locks in another order than a
        // batch does (deadlock), for nothing.
        const name = CREATED_NAME.exec(statement)?.[1];
        if (name !== undefined && (await session.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name])).rows[0]?.found) continue;
        await session.query(statement);
      }
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async registerDevice(device: string, credentialHash: string, now: number): Promise<'created' | 'exists'> {
    // The common case (a known device on every request) is a plain read: the upsert below would lock
    // the row even when its WHERE is false, which costs a transaction id and a commit flush.
    if ((await this.credentialOf(device)) !== undefined) return 'exists';
    const { rows } = await this.pool.query(
      'INSERT INTO devices (device, credential, created_at) VALUES ($1, $2, $3) ON CONFLICT (device) DO UPDATE SET credential = excluded.credential WHERE devices.credential IS NULL RETURNING 1 AS created',
      [device, credentialHash, now],
    );
    return rows.length === 1 ? 'created' : 'exists';
  }

  async credentialOf(device: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ credential: string | null }>('SELECT credential FROM devices WHERE device = $1', [device], 'o2o_credential');
    return rows[0]?.credential ?? undefined;
  }

  async replaceCredential(device: string, credentialHash: string, now: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO devices (device, credential, created_at) VALUES ($1, $2, $3) ON CONFLICT (device) DO UPDATE SET credential = excluded.credential',
      [device, credentialHash, now],
    );
  }

  async applyBatch(batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.transaction((session) => this.applyInTransaction(session, batch, bounds));
      } catch (error) {
        if (error instanceof RejectedBatch) return { duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' };
        const code = (error as { code?: unknown }).code;
        if (attempt < 3 && typeof code === 'string' && RETRYABLE.has(code)) continue;
        throw error;
      }
    }
  }

  private async applyInTransaction(session: SqlSession, batch: BatchInput, bounds: DeviceBounds): Promise<BatchOutcome> {
    const { rows: claimed } = await session.query<{ fresh: string | number; seq: string | number | null; nfields: number | null; nbytes: number | null }>(
      CLAIM_BATCH,
      [batch.device, batch.id, batch.receivedAt, batch.receivedAt - BATCH_ID_RETENTION_MS],
      'o2o_claim_batch',
    );
    const row = claimed[0];
    if (!row || Number(row.fresh) === 0 || row.seq === null) {
      await this.log(session, batch, 0, true);
      return { duplicate: true, applied: 0, refused: 0 };
    }
    // Read after the lock was granted: this statement's snapshot includes every batch committed before.
    const keys = [...new Set(batch.deltas.map((d) => d.key))];
    const stored = new Map<string, StoredField>();
    if (keys.length > 0) {
      const { rows } = await session.query<{ key: string; s: string | number; f: string; bytes: number }>(
        'SELECT key, s, f, bytes FROM fields WHERE device = $1 AND key = ANY($2::text[])',
        [batch.device, keys],
        'o2o_stored_fields',
      );
      for (const r of rows) stored.set(r.key, { s: Number(r.s), f: JSON.parse(r.f) as Field, bytes: r.bytes });
    }
    const plan = planBatch(batch.deltas, stored, { seq: Number(row.seq), fields: Number(row.nfields), bytes: Number(row.nbytes) }, bounds);
    if (plan.rejected) throw new RejectedBatch();
    const columns = plan.writes.map((w) => fieldColumns(w.key, w.f));
    await session.query(WRITE_BATCH, [
      batch.device,
      plan.writes.map((w) => w.key),
      plan.writes.map((w) => w.s),
      columns.map((c) => c.kr),
      columns.map((c) => c.v),
      columns.map((c) => c.t),
      columns.map((c) => (c.r ? c.r.toString('hex') : null)),
      columns.map((c) => c.f),
      columns.map((c) => c.bytes),
      plan.counters.seq, plan.counters.fields, plan.counters.bytes,
      batch.id, batch.receivedAt, Math.round(batch.skewMs), batch.deltas.length, plan.applied, batch.bytes,
    ], 'o2o_write_batch');
    return { duplicate: false, applied: plan.applied, refused: plan.refused };
  }

  private async log(session: SqlSession, batch: BatchInput, applied: number, duplicate: boolean): Promise<void> {
    await session.query(LOG_AND_TRIM, [
      batch.id, batch.device, batch.receivedAt, Math.round(batch.skewMs), batch.deltas.length, applied, batch.bytes, duplicate,
    ], 'o2o_log_batch');
  }

  async device(device: string): Promise<DeviceState | undefined> {
    return (await this.devices([device]))[device];
  }

  async devices(devices: readonly string[]): Promise<Record<string, DeviceState>> {
    const ids = [...new Set(devices)];
    const out: Record<string, DeviceState> = Object.create(null) as Record<string, DeviceState>;
    if (ids.length === 0) return out;
    // One statement, so the counters and fields come from one snapshot.
    const { rows } = await this.pool.query<{ device: string; seq: string | number; key: string | null; f: string | null }>(
      'SELECT d.device, d.seq, x.key, x.f FROM devices d LEFT JOIN fields x ON x.device = d.device WHERE d.device = ANY($1::text[])',
      [ids],
    );
    for (const r of rows) {
      const state = out[r.device] ?? (out[r.device] = { seq: Number(r.seq), fields: Object.create(null) as Record<string, Field> });
      if (r.key !== null && r.f !== null) state.fields[r.key] = JSON.parse(r.f) as Field;
    }
    for (const id of Object.keys(out)) {
      const state = out[id] as DeviceState;
      if (state.seq === 0 && Object.keys(state.fields).length === 0) delete out[id];
    }
    return out;
  }

  async linkUser(device: string, userId: string, now: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO links (device, user_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT (device) DO UPDATE SET user_id = excluded.user_id, linked_at = excluded.linked_at WHERE links.user_id <> excluded.user_id',
      [device, userId, now],
    );
  }

  async userOf(device: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ user_id: string }>('SELECT user_id FROM links WHERE device = $1', [device]);
    return rows[0]?.user_id;
  }

  async devicesOfUser(userId: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ device: string }>(
      'SELECT device FROM links WHERE user_id = $1 ORDER BY linked_at, device LIMIT $2',
      [userId, Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => r.device);
  }

  async erase(device: string): Promise<string[]> {
    return this.pool.transaction(async (session) => {
      const { rows: users } = await session.query<{ user_id: string }>('SELECT user_id FROM links WHERE device = $1', [device]);
      const targets = new Set([device]);
      const user = users[0]?.user_id;
      if (user !== undefined) {
        const { rows } = await session.query<{ device: string }>('SELECT device FROM links WHERE user_id = $1', [user]);
        for (const r of rows) targets.add(r.device);
      }
      const ids = [...targets].sort();
      // Lock the device rows in one order, so a batch of one of them waits for the erase (and two erases cannot deadlock).
      await session.query('SELECT device FROM devices WHERE device = ANY($1::text[]) ORDER BY device FOR UPDATE', [ids]);
      const erased = new Set<string>();
      const collect = ({ rows }: { rows: { device: string }[] }): void => rows.forEach((r) => erased.add(r.device));
      collect(await session.query<{ device: string }>('DELETE FROM devices WHERE device = ANY($1::text[]) RETURNING device', [ids]));
      collect(await session.query<{ device: string }>('DELETE FROM links WHERE device = ANY($1::text[]) RETURNING device', [ids]));
      collect(await session.query<{ device: string }>('WITH gone AS (DELETE FROM fields WHERE device = ANY($1::text[]) RETURNING device) SELECT DISTINCT device FROM gone', [ids]));
      await session.query('DELETE FROM received WHERE device = ANY($1::text[])', [ids]);
      await session.query('DELETE FROM decision_devices WHERE device = ANY($1::text[])', [ids]);
      await session.query('DELETE FROM outcomes WHERE device = ANY($1::text[])', [ids]);
      collect(await session.query<{ device: string }>('WITH gone AS (DELETE FROM decisions WHERE device = ANY($1::text[]) RETURNING device) SELECT DISTINCT device FROM gone', [ids]));
      return ids.filter((id) => erased.has(id));
    });
  }

  async received(limit: number): Promise<ReceivedBatch[]> {
    const { rows } = await this.pool.query<Record<string, string | number | boolean>>(
      'SELECT * FROM (SELECT * FROM received ORDER BY n DESC LIMIT $1) last ORDER BY n',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => ({
      id: String(r.id),
      device: String(r.device),
      receivedAt: Number(r.received_at),
      skewMs: Number(r.skew_ms),
      deltas: Number(r.deltas),
      applied: Number(r.applied),
      bytes: Number(r.bytes),
      duplicate: r.duplicate === true,
    }));
  }

  async countDevices(): Promise<number> {
    // The planner's estimate on a large table (no scan of the population), an exact count on a small one.
    const { rows } = await this.pool.query<{ estimate: number }>("SELECT reltuples::float8 AS estimate FROM pg_class WHERE oid = 'devices'::regclass");
    const estimate = Number(rows[0]?.estimate ?? -1);
    if (estimate >= 100_000) return Math.round(estimate);
    const exact = await this.pool.query<{ count: string }>('SELECT count(*) AS count FROM devices');
    return Number(exact.rows[0]?.count ?? 0);
  }

  async appendDecisionLog(input: DecisionLogInput, bounds: DecisionLogBounds): Promise<DecisionLogOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.transaction((session) => this.appendInTransaction(session, input, bounds));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt < 3 && typeof code === 'string' && RETRYABLE.has(code)) continue;
        throw error;
      }
    }
  }

  private async appendInTransaction(session: SqlSession, input: DecisionLogInput, bounds: DecisionLogBounds): Promise<DecisionLogOutcome> {
    const device = input.device;
    // Locks the device's decision count until commit: requests of one device apply one after another, in every process.
    const { rows: counted } = await session.query<{ decisions: number }>(
      'INSERT INTO decision_devices (device, decisions) VALUES ($1, 0) ON CONFLICT (device) DO UPDATE SET device = excluded.device RETURNING decisions',
      [device],
      'o2o_lock_decisions',
    );
    const decisions = Number(counted[0]?.decisions ?? 0);
    const ids = [...new Set([...input.decisions.map((d) => d.id), ...input.outcomes.map((o) => o.d)])];
    const outcomesPerDecision = new Map<string, number>();
    if (ids.length > 0) {
      const { rows } = await session.query<{ id: string; outcomes: number }>('SELECT id, outcomes FROM decisions WHERE device = $1 AND id = ANY($2::text[])', [device, ids], 'o2o_stored_decisions');
      for (const r of rows) outcomesPerDecision.set(r.id, Number(r.outcomes));
    }
    const outcomes = new Set<string>();
    if (input.outcomes.length > 0) {
      const { rows } = await session.query<{ decision: string; id: string }>(
        'SELECT o.decision, o.id FROM outcomes o JOIN unnest($2::text[], $3::text[]) AS x (decision, id) ON o.device = $1 AND o.decision = x.decision AND o.id = x.id',
        [device, input.outcomes.map((o) => o.d), input.outcomes.map((o) => o.id)],
        'o2o_stored_outcomes',
      );
      for (const r of rows) outcomes.add(outcomeKey(r.decision, r.id));
    }
    const plan = planDecisionLog(input.decisions, input.outcomes, { decisions, outcomesPerDecision, outcomes }, bounds);
    if (plan.decisions.length === 0 && plan.outcomes.length === 0) return plan.counts;
    const fresh = new Set(plan.decisions.map((d) => d.id));
    const updates = [...plan.outcomeCounts].filter(([id]) => !fresh.has(id));
    await session.query(WRITE_DECISION_LOG, [
      device, input.receivedAt, Math.round(input.skewMs),
      plan.decisions.map((d) => d.id), plan.decisions.map((d) => plan.outcomeCounts.get(d.id) ?? 0), plan.decisions.map(decisionText),
      plan.outcomes.map((o) => o.d), plan.outcomes.map((o) => o.id), plan.outcomes.map(outcomeText),
      updates.map(([id]) => id), updates.map(([, n]) => n),
      plan.total,
    ], 'o2o_write_decision_log');
    return plan.counts;
  }

  async scanDecisions(scan: DecisionScan): Promise<{ rows: LoggedDecision[]; next?: string }> {
    const start = scanStart(scan);
    const limit = pageSize(scan);
    const { rows: found } = await this.pool.query<{ device: string; id: string; received_at: string | number; record: string; outcomes: OutcomeRecord[] | null }>(
      SCAN_DECISIONS,
      [timeBound(scan.until), start.receivedAt, start.device, start.id, limit + 1],
      'o2o_scan_decisions',
    );
    const page = found.slice(0, limit);
    const rows = page.map((r) => loggedDecision({ device: r.device, receivedAt: Number(r.received_at), record: r.record }, r.outcomes ?? []));
    const last = page[page.length - 1];
    return found.length > limit && last ? { rows, next: encodeCursor({ receivedAt: Number(last.received_at), device: last.device, id: last.id }) } : { rows };
  }

  async countDecisions(since: number, until: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM decisions WHERE received_at >= $1 AND received_at < $2', [timeBound(since), timeBound(until)]);
    return Number(rows[0]?.n ?? 0);
  }

  async addModelVersion(version: Omit<ModelVersion, 'version'>): Promise<number> {
    return this.pool.transaction(async (session) => {
      // Numbers are max + 1 under a lock, not a sequence: a rolled-back insert leaves no gap.
      await session.query('SELECT pg_advisory_xact_lock($1)', [LOCK_VERSIONS]);
      const { rows } = await session.query<{ version: number }>(
        'INSERT INTO model_versions (version, model_id, document, created_at, source, evaluation) SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4, $5 FROM model_versions RETURNING version',
        [version.modelId, version.document, version.createdAt, JSON.stringify(version.source), version.evaluation ?? null],
      );
      return Number(rows[0]?.version);
    });
  }

  async modelVersion(version: number): Promise<ModelVersion | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const { rows } = await this.pool.query<ModelVersionRow & { document: string }>('SELECT * FROM model_versions WHERE version = $1', [version]);
    return rows[0] && modelVersionOf(rows[0]);
  }

  async modelVersions(limit: number): Promise<Omit<ModelVersion, 'document'>[]> {
    const { rows } = await this.pool.query<ModelVersionRow>(
      'SELECT version, model_id, created_at, source, evaluation FROM model_versions ORDER BY version DESC LIMIT $1',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => modelVersionOf(r));
  }

  async promote(version: number, at: number, reason: string): Promise<void> {
    await this.pool.transaction(async (session) => {
      // One promotion at a time across processes: the live pointer and the newest promotion always agree.
      await session.query('SELECT pg_advisory_xact_lock($1)', [LOCK_PROMOTE]);
      const { rows } = await session.query('SELECT 1 FROM model_versions WHERE version = $1', [Number.isSafeInteger(version) ? version : -1]);
      if (rows.length === 0) throw new Error(`no model version ${version}`);
      await session.query('INSERT INTO live_model (one, version) VALUES (1, $1) ON CONFLICT (one) DO UPDATE SET version = excluded.version', [version]);
      await session.query('INSERT INTO promotions (version, at, reason) VALUES ($1, $2, $3)', [version, at, reason]);
    });
  }

  async liveModel(): Promise<ModelVersion | undefined> {
    const { rows } = await this.pool.query<ModelVersionRow & { document: string }>('SELECT m.* FROM live_model l JOIN model_versions m ON m.version = l.version');
    return rows[0] && modelVersionOf(rows[0]);
  }

  async promotions(limit: number): Promise<Promotion[]> {
    const { rows } = await this.pool.query<{ version: number; at: string | number; reason: string }>(
      'SELECT version, at, reason FROM promotions ORDER BY n DESC LIMIT $1',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => ({ version: Number(r.version), at: Number(r.at), reason: r.reason }));
  }

  /**
   * Remembers batch ids as applied without applying anything (the JSON migration's old dedupe set);
   * returns how many were new.
   */
  async rememberBatchIds(entries: readonly { device: string; id: string }[], now: number): Promise<number> {
    if (entries.length === 0) return 0;
    const { rows } = await this.pool.query(
      'INSERT INTO batches (device, id, received_at) SELECT device, id, $3 FROM unnest($1::text[], $2::text[]) AS e (device, id) ON CONFLICT DO NOTHING RETURNING 1 AS fresh',
      [entries.map((e) => e.device), entries.map((e) => e.id), now],
    );
    return rows.length;
  }

  /** Size on disk of the store's tables and indexes (benchmarks). */
  async databaseBytes(): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string }>(
      "SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c WHERE c.relname IN ('devices', 'fields', 'batches', 'links', 'received', 'decision_devices', 'decisions', 'outcomes', 'model_versions', 'promotions', 'live_model') AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  /** The underlying pool, for bulk loading in benchmarks and the JSON migration. */
  get sql(): SqlPool {
    return this.pool;
  }
}

/** Drops a schema and everything in it (contract tests' throwaway schemas). */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${checkSchemaName(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
