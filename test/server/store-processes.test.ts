/**
 * Several collector processes on one database: two Node processes apply
 * interleaved batches for the same device at the same time (the embedded file;
 * PostgreSQL when DATABASE_URL is set), and the result equals applying all of
 * them serially: same fields, each batch id counted once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Field } from '../../src/core/field.js';
import { type Delta, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';
import { isPostgresUrl, openStore, type OpenStoreOptions } from '../../server/store/open-store.js';
import { dropSchema } from '../../server/store/postgres-store.js';
import type { BatchInput } from '../../server/store/store.js';

const DATABASE_URL = process.env.DATABASE_URL;
// Inside the repository, so the bundle's bare imports (better-sqlite3, pg) resolve from node_modules.
const BUNDLE = resolve('bench/.build/store-processes-open-store.mjs');
const WORKER = `
const [bundle, options, batches] = process.argv.slice(1).map((a, i) => (i === 0 ? a : JSON.parse(a)));
const { openStore } = await import(bundle);
const store = await openStore(options);
const bounds = { maxFields: 10000, maxBytes: 10000000, maxSeqStep: 1000000000 };
let applied = 0, duplicates = 0;
// Several in flight at once, as concurrent requests are.
await Promise.all(batches.map(async (b) => { const o = await store.applyBatch(b, bounds); applied += o.applied; if (o.duplicate) duplicates++; }));
await store.close();
process.stdout.write(JSON.stringify({ applied, duplicates }));
`;

function runWorker(options: OpenStoreOptions, batches: BatchInput[]): Promise<{ applied: number; duplicates: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER, BUNDLE, JSON.stringify(options), JSON.stringify(batches)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out) as { applied: number; duplicates: number }) : fail(new Error(`worker exited ${code}: ${err}`))));
  });
}

function history(): BatchInput[] {
  const batches: BatchInput[] = [];
  let s = 0;
  for (let i = 0; i < 60; i++) {
    const deltas: Delta[] = [];
    for (let j = 0; j < 8; j++) {
      const k = (i * 8 + j) % 13;
      s++;
      const f: Field = k % 4 === 0 ? { k: 'c', v: s } : k % 4 === 1 ? { k: 'r', v: `v${s}`, t: s } : k % 4 === 2 ? { k: 'd', v: s % 5, t: s } : { k: 'm', v: 10_000 - s };
      deltas.push({ s, key: `k.${k}`, f });
    }
    batches.push({ device: 'shared', id: `p-${i}`, deltas, receivedAt: 1_700_000_000_000 + i, skewMs: 0, bytes: 500 });
  }
  return batches;
}

const targets: { name: string; options(): OpenStoreOptions; dispose(options: OpenStoreOptions): Promise<void> }[] = [];
let dir = '';
targets.push({
  name: 'embedded',
  options: () => ({ dataDir: join(dir, `db-${Date.now()}`) }),
  dispose: async () => undefined,
});
if (isPostgresUrl(DATABASE_URL)) {
  targets.push({
    name: 'postgres',
    options: () => ({ databaseUrl: DATABASE_URL, dataDir: '.o2o-data', schema: `o2o_processes_${process.pid}_${Date.now().toString(36)}` }),
    dispose: (options) => dropSchema(DATABASE_URL, options.schema as string),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'o2o-processes-'));
  await build({ entryPoints: ['server/store/open-store.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: BUNDLE, logLevel: 'warning' });
  writeFileSync(join(dir, 'README'), 'store-processes test data\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(targets)('two processes on one $name database', (target) => {
  it('apply interleaved and overlapping batches for one device with the serial result', async () => {
    const options = target.options();
    const setup = await openStore(options);
    try {
      const batches = history();
      // Each process gets every other batch plus the first 20 of the other's (retries racing the originals).
      const mine = (parity: number): BatchInput[] => [...batches.filter((_, i) => i % 2 === parity), ...batches.filter((_, i) => i % 2 !== parity).slice(0, 20)];
      const [a, b] = await Promise.all([runWorker(options, mine(0)), runWorker(options, mine(1))]);
      expect(a.duplicates + b.duplicates).toBe(40);
      expect({ ...(await setup.device('shared')) }).toEqual(applyDeltas(emptyDeviceState(), batches.flatMap((x) => x.deltas)));
      const log = await setup.received(1000);
      expect(log.filter((e) => !e.duplicate).map((e) => e.id).sort()).toEqual(batches.map((x) => x.id).sort());
    } finally {
      await setup.close();
      await target.dispose(options);
    }
  });
});
