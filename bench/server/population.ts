/**
 * Generates the benchmark's stored population straight in the database (not
 * through the API): SQLite with prepared statements in large transactions,
 * PostgreSQL (and PGlite) with `generate_series` inserts. A population is
 * cached: the SQLite file under `.o2o-data/bench/`, the PostgreSQL schema
 * `bench_<N>`, each marked with the count it was made with. Every device has
 * a credential (`populationCredential`), so benchmark clients speak protocol v2.
 */
import { fieldColumns } from '../../server/store/field-columns.js';
import type { SqlPool } from '../../server/store/postgres-store.js';
import type { SqliteStore } from '../../server/store/sqlite-store.js';
import { POPULATION_CREDENTIAL_SQL, POPULATION_DEVICE_SQL, POPULATION_FIELDS, POPULATION_SEQ, populationCredential, populationDevice, populationFields } from './workload.js';

const CHUNK = 50_000;

function templateColumns() {
  const fields = populationFields();
  const columns = fields.map((delta) => ({ delta, ...fieldColumns(delta.key, delta.f) }));
  return { columns, bytes: columns.reduce((n, c) => n + c.bytes, 0) };
}

function progress(done: number, total: number, started: number): void {
  if (process.stderr.isTTY || process.env.O2O_BENCH_PROGRESS) process.stderr.write(`  population ${done}/${total} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

/** Fills an empty SQLite store with `devices` generated devices, unless it already holds them; returns ms spent (0 when cached). */
export function populateSqlite(store: SqliteStore, devices: number): number {
  const db = store.connection;
  db.exec('CREATE TABLE IF NOT EXISTS bench_population (devices INTEGER NOT NULL)');
  const marked = db.prepare<[], { devices: number }>('SELECT devices FROM bench_population').get();
  if (marked?.devices === devices) return 0;
  if (marked) throw new Error(`this database holds a population of ${marked.devices}, not ${devices}: use another file`);
  const started = Date.now();
  const { columns, bytes } = templateColumns();
  const ids = Array.from({ length: devices }, (_, i) => populationDevice(i)).sort();
  const insertDevice = db.prepare('INSERT INTO devices (device, credential, seq, nfields, nbytes, created_at) VALUES (?, ?, ?, ?, ?, 0)');
  const insertField = db.prepare('INSERT INTO fields (device, key, s, kr, v, t, r, f, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.pragma('synchronous = OFF');
  const load = db.transaction((chunk: string[]) => {
    for (const id of chunk) {
      insertDevice.run(id, populationCredential(id), POPULATION_SEQ, POPULATION_FIELDS, bytes);
      for (const c of columns) insertField.run(id, c.delta.key, c.delta.s, c.kr, c.v, c.t, c.r, c.f, c.bytes);
    }
  });
  for (let i = 0; i < ids.length; i += CHUNK) {
    load(ids.slice(i, i + CHUNK));
    progress(Math.min(i + CHUNK, ids.length), ids.length, started);
  }
  db.prepare("UPDATE meta SET value = value + ? WHERE name = 'devices'").run(devices);
  db.prepare('INSERT INTO bench_population (devices) VALUES (?)').run(devices);
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return Date.now() - started;
}

/** Fills a PostgreSQL (or PGlite) store's schema with `devices` generated devices, unless it already holds them. */
export async function populatePostgres(sql: SqlPool, devices: number): Promise<number> {
  await sql.query('CREATE TABLE IF NOT EXISTS bench_population (devices integer NOT NULL)');
  const { rows } = await sql.query<{ devices: number }>('SELECT devices FROM bench_population');
  if (rows[0]?.devices === devices) return 0;
  if (rows[0]) throw new Error(`this schema holds a population of ${rows[0].devices}, not ${devices}`);
  const started = Date.now();
  const { columns, bytes } = templateColumns();
  const ids = `SELECT ${POPULATION_DEVICE_SQL} AS d FROM generate_series($1::int, $2::int) i ORDER BY 1`;
  for (let first = 0; first < devices; first += CHUNK) {
    const last = Math.min(devices, first + CHUNK) - 1;
    await sql.transaction(async (session) => {
      await session.query(`INSERT INTO devices (device, credential, seq, nfields, nbytes, created_at) SELECT d, ${POPULATION_CREDENTIAL_SQL}, ${POPULATION_SEQ}, ${POPULATION_FIELDS}, $3, 0 FROM (${ids}) x`, [first, last, bytes]);
      await session.query(
        `INSERT INTO fields (device, key, s, kr, v, t, r, f, bytes)
         SELECT x.d, k.key, k.s, k.kr, k.v, k.t, decode(k.r, 'hex'), k.f, k.bytes
         FROM (${ids}) x CROSS JOIN unnest($3::text[], $4::bigint[], $5::smallint[], $6::float8[], $7::float8[], $8::text[], $9::text[], $10::integer[])
           AS k (key, s, kr, v, t, r, f, bytes)
         ORDER BY x.d, k.key`,
        [
          first, last,
          columns.map((c) => c.delta.key), columns.map((c) => c.delta.s), columns.map((c) => c.kr), columns.map((c) => c.v),
          columns.map((c) => c.t), columns.map((c) => (c.r ? c.r.toString('hex') : null)), columns.map((c) => c.f), columns.map((c) => c.bytes),
        ],
      );
    });
    progress(last + 1, devices, started);
  }
  await sql.query('INSERT INTO bench_population (devices) VALUES ($1)', [devices]);
  await sql.query('ANALYZE');
  return Date.now() - started;
}
