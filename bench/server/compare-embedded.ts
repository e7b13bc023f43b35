/**
 * Throwaway measurement behind docs/backend.md "Choosing the embedded store":
 * SQLite (better-sqlite3, the shipped store) against PGlite (PostgreSQL in
 * WASM, running the PostgreSQL store's own SQL) on one workload. For each
 * population size: generate N devices of 20 fields in a fresh folder, apply
 * sequential batches of 20–34 deltas to random devices (one in-process
 * database, so no concurrency), then close and time a reopen to the first read.
 *
 *   node bench/model/run.mjs bench/server/compare-embedded.ts [--devices 10000,100000] [--batches 2000]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PostgresStore, type SqlPool } from '../../server/store/postgres-store.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import type { CollectorStore, DeviceBounds } from '../../server/store/store.js';
import { populatePostgres, populateSqlite } from './population.js';
import { prng as random } from '../../src/core/random.js';
import { BatchMaker, percentile, populationDevice } from './workload.js';

const BOUNDS: DeviceBounds = { maxFields: 1024, maxBytes: 256 * 1024, maxSeqStep: 1_000_000 };

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

function pglitePool(db: PGlite): SqlPool {
  return {
    query: async (text, params) => (await db.query(text, params as unknown[])) as never,
    transaction: (work) => db.transaction((tx) => work({ query: async (text, params) => (await tx.query(text, params as unknown[])) as never })),
    end: () => db.close(),
  };
}

interface Engine {
  name: string;
  open(dir: string): Promise<CollectorStore>;
  populate(store: CollectorStore, devices: number): Promise<number>;
}

const engines: Engine[] = [
  {
    name: 'sqlite (better-sqlite3 12, WAL, synchronous=FULL)',
    async open(dir) {
      const store = new SqliteStore({ file: join(dir, 'collector.sqlite') });
      await store.migrate();
      return store;
    },
    populate: async (store, devices) => populateSqlite(store as SqliteStore, devices),
  },
  {
    name: 'pglite (0.5, PostgreSQL in WASM, file system)',
    async open(dir) {
      const db = await PGlite.create(join(dir, 'pglite'));
      const store = new PostgresStore(pglitePool(db), undefined, 'pglite');
      await store.migrate();
      return store;
    },
    populate: (store, devices) => populatePostgres((store as PostgresStore).sql, devices),
  },
];

const sizes = option('--devices', '10000,100000').split(',').map(Number);
const batches = Number(option('--batches', '2000'));
const results: unknown[] = [];
for (const devices of sizes) {
  for (const engine of engines) {
    const dir = mkdtempSync(join(tmpdir(), 'o2o-compare-'));
    try {
      let store = await engine.open(dir);
      const populateMs = await engine.populate(store, devices);
      const maker = new BatchMaker(7);
      const pick = random(11);
      const latencies: number[] = [];
      const started = performance.now();
      for (let i = 0; i < batches; i++) {
        const device = populationDevice(Math.floor(pick() * devices));
        const deltas = maker.deltas(device, Date.now());
        const t0 = performance.now();
        const outcome = await store.applyBatch({ device, id: `c${i}`, deltas, receivedAt: Date.now(), skewMs: 0, bytes: 2000 }, BOUNDS);
        latencies.push(performance.now() - t0);
        if (outcome.applied !== deltas.length) throw new Error(`batch ${i}: applied ${outcome.applied} of ${deltas.length}`);
      }
      const elapsed = performance.now() - started;
      await store.close();
      const t0 = performance.now();
      store = await engine.open(dir);
      await store.device(populationDevice(1));
      const restartMs = performance.now() - t0;
      await store.close();
      latencies.sort((a, b) => a - b);
      const result = {
        engine: engine.name,
        devices,
        populateMs,
        batches,
        batchesPerSecond: Math.round((batches / elapsed) * 1000),
        p50Ms: +percentile(latencies, 50).toFixed(2),
        p99Ms: +percentile(latencies, 99).toFixed(2),
        databaseBytes: folderBytes(dir),
        restartMs: Math.round(restartMs),
      };
      results.push(result);
      console.error(JSON.stringify(result));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(JSON.stringify(results, null, 2));
