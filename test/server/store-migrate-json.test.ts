/**
 * The JSON migration: a file written by the reference collector (demo/collector,
 * the real code) is imported into the embedded store (and PostgreSQL when
 * DATABASE_URL is set): same merged fields, per-key sequence numbers still
 * guarding, old batch ids still duplicates, a second run changes nothing, and
 * the npm script prints its counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorStore as JsonCollector } from '../../demo/collector/collector-store.js';
import type { Field } from '../../src/core/field.js';
import { type BatchIdMemory, type CollectorJson, IMPORT_BATCH_ID, importCollectorJson } from '../../server/store/import-json.js';
import { isPostgresUrl, openStore } from '../../server/store/open-store.js';
import { dropSchema } from '../../server/store/postgres-store.js';
import type { CollectorStore, DeviceBounds } from '../../server/store/store.js';

const DATABASE_URL = process.env.DATABASE_URL;
const BOUNDS: DeviceBounds = { maxFields: 1000, maxBytes: 1_000_000, maxSeqStep: 1_000_000 };
const c = (v: number): Field => ({ k: 'c', v });

/** A collector.json written by the old collector itself. */
function writeOldFile(dir: string): CollectorJson {
  const old = new JsonCollector(dir);
  old.accept({ id: 'b1', device: 'dev-a', sentAt: 0, deltas: [{ s: 1, key: 'n.page_view', f: c(1) }, { s: 2, key: 'a.l.cat:running', f: { k: 'd', v: 2, t: 100 } }] });
  old.accept({ id: 'b2', device: 'dev-a', sentAt: 0, deltas: [{ s: 3, key: 'n.page_view', f: c(4) }, { s: 4, key: 'u.id', f: { k: 'r', v: 'user-9', t: 200 } }] });
  old.accept({ id: 'b1', device: 'dev-b', sentAt: 0, deltas: [{ s: 7, key: 't.first', f: { k: 'm', v: 50 } }] });
  old.accept({ id: 'gone', device: 'dev-c', sentAt: 0, deltas: [{ s: 1, key: 'n.x', f: c(1) }] });
  old.erase('dev-c');
  return JSON.parse(readFileSync(join(dir, 'collector.json'), 'utf8')) as CollectorJson;
}

const targets: { name: string; open(dir: string): Promise<{ store: CollectorStore; dispose(): Promise<void> }> }[] = [
  { name: 'embedded', open: async (dir) => ({ store: await openStore({ dataDir: join(dir, 'db') }), dispose: async () => undefined }) },
];
if (isPostgresUrl(DATABASE_URL)) {
  targets.push({
    name: 'postgres',
    open: async () => {
      const schema = `o2o_migrate_${process.pid}_${Date.now().toString(36)}`;
      return { store: await openStore({ databaseUrl: DATABASE_URL, dataDir: '.o2o-data', schema }), dispose: () => dropSchema(DATABASE_URL, schema) };
    },
  });
}

describe.each(targets)('JSON migration into $name', (target) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('imports devices, fields, per-key sequences and batch ids, idempotently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2o-migrate-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const data = writeOldFile(dir);
    const { store, dispose } = await target.open(dir);
    cleanup.push(dispose, () => store.close());
    const memory = store as CollectorStore & BatchIdMemory;

    const first = await importCollectorJson(memory, data);
    expect(first).toEqual({ devices: 2, imported: 2, alreadyImported: 0, fields: 4, invalid: 0, batchIds: 4 });
    expect(await store.device('dev-a')).toEqual(new JsonCollector(dir).device('dev-a'));
    expect(await store.device('dev-b')).toEqual({ seq: 7, fields: { 't.first': { k: 'm', v: 50 } } });
    expect(await store.device('dev-c')).toBeUndefined();
    expect(await store.credentialOf('dev-a')).toBeUndefined();

    const second = await importCollectorJson(memory, data);
    expect(second).toEqual({ devices: 2, imported: 0, alreadyImported: 2, fields: 0, invalid: 0, batchIds: 0 });
    expect(await store.countDevices()).toBe(2);

    // Old ids stay duplicates (an erased device's too), and per-key sequences still guard.
    for (const [device, id] of [['dev-a', 'b2'], ['dev-c', 'gone']] as const) {
      expect((await store.applyBatch({ device, id, deltas: [{ s: 99, key: 'n.page_view', f: c(99) }], receivedAt: 0, skewMs: 0, bytes: 0 }, BOUNDS)).duplicate).toBe(true);
    }
    const stale = await store.applyBatch({ device: 'dev-a', id: 'late', deltas: [{ s: 3, key: 'n.page_view', f: c(50) }], receivedAt: 0, skewMs: 0, bytes: 0 }, BOUNDS);
    expect(stale.applied).toBe(0);
    expect((await store.device('dev-a'))?.fields['n.page_view']).toEqual(c(4));
    expect((await store.received(10)).filter((e) => e.id === IMPORT_BATCH_ID)).toHaveLength(4);
  });
});

describe('npm run migrate:json', () => {
  it('imports a file into the embedded store of --data-dir and prints counts, twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2o-migrate-cli-'));
    try {
      writeOldFile(dir);
      const run = (): Record<string, unknown> => JSON.parse(execFileSync('node', ['scripts/migrate-json.mjs', '--from', join(dir, 'collector.json'), '--data-dir', join(dir, 'db')], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } })) as Record<string, unknown>;
      expect(run()).toMatchObject({ store: 'sqlite', devices: 2, imported: 2, fields: 4, batchIds: 4, devicesInStore: 2 });
      expect(run()).toMatchObject({ store: 'sqlite', devices: 2, imported: 0, alreadyImported: 2, batchIds: 0, devicesInStore: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
