/**
 * `npm run migrate:json -- --from .o2o-data/collector.json [--database-url postgres://…] [--data-dir DIR]`:
 * imports the reference collector's JSON file into the configured store
 * (PostgreSQL from --database-url or DATABASE_URL, else the embedded store in
 * --data-dir, O2O_DATA_DIR or .o2o-data) and prints what it did as JSON.
 * Running it again changes nothing.
 */
import { readFileSync } from 'node:fs';
import { type BatchIdMemory, type CollectorJson, importCollectorJson } from '../server/store/import-json.js';
import { openStore } from '../server/store/open-store.js';
import type { CollectorStore } from '../server/store/store.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

const from = option('--from');
if (!from) {
  console.error('usage: npm run migrate:json -- --from .o2o-data/collector.json [--database-url postgres://…] [--data-dir DIR]');
  process.exit(2);
}
const databaseUrl = option('--database-url') ?? process.env.DATABASE_URL;
const dataDir = option('--data-dir') ?? process.env.O2O_DATA_DIR ?? '.o2o-data';

const data = JSON.parse(readFileSync(from, 'utf8')) as CollectorJson;
const store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
try {
  const counts = await importCollectorJson(store as CollectorStore & BatchIdMemory, data);
  console.log(JSON.stringify({ from, store: store.kind, ...counts, devicesInStore: await store.countDevices() }));
} finally {
  await store.close();
}
