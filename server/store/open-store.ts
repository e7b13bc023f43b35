/**
 * Opens the collector's store from configuration: PostgreSQL when a
 * `postgres://` / `postgresql://` URL is given (`DATABASE_URL`), else the
 * embedded SQLite file `<dataDir>/collector.sqlite`. Tables are created or
 * upgraded (`migrate()`) before the store is returned.
 */
import { join } from 'node:path';
import { PostgresStore, openPgPool } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { CollectorStore } from './store.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** `DATABASE_URL`; PostgreSQL when it starts with `postgres://` or `postgresql://`. */
  databaseUrl?: string;
  /** Folder of the embedded database (`O2O_DATA_DIR`, default `.o2o-data`). */
  dataDir: string;
  /** PostgreSQL only: a schema of its own (created if missing), e.g. a throwaway one in tests. */
  schema?: string;
  /** PostgreSQL only: most pooled connections per process (default 10). */
  maxConnections?: number;
  /** Embedded only: `'full'` (default) survives a power cut, `'normal'` a process crash (see `SqliteStoreOptions`). */
  durability?: 'full' | 'normal';
}

/** True when `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** The embedded database file in `dataDir`. */
export function embeddedFile(dataDir: string): string {
  return join(dataDir, 'collector.sqlite');
}

/** Opens and migrates the configured store. */
export async function openStore(options: OpenStoreOptions): Promise<CollectorStore> {
  const store: CollectorStore = isPostgresUrl(options.databaseUrl)
    ? new PostgresStore(openPgPool({ connectionString: options.databaseUrl, schema: options.schema, max: options.maxConnections }), options.schema)
    : new SqliteStore({ file: embeddedFile(options.dataDir), durability: options.durability ?? 'full' });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
