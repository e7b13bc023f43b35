/**
 * The reference collector for the reliability scenarios: the harness's test
 * server, except that `O2O_DIST` may point `/dist/` at a snapshot of the
 * build, so a scenario can run against a fixed bundle while other work
 * rebuilds `dist/` in the same checkout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerOptions, startServer } from '../../demo/collector/server.js';
import type { TestServer } from '../browser/harness.js';

/** Starts the collector and demo server on a free port of 127.0.0.1 with a fresh data directory. */
export async function startCollector(options: Pick<ServerOptions, 'writeKeys' | 'maxBodyBytes' | 'bounds'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'o2o-reliability-'));
  const running = await startServer({
    port: 0,
    dataDir,
    staticRoots: { '/': 'demo/public', '/dist/': process.env.O2O_DIST ?? 'dist', '/test-pages/': 'test/pages' },
    ...options,
  });
  return {
    ...running,
    dataDir,
    async dispose() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
