/**
 * The demo shop and the collector for the cross-engine suite: today's
 * `startServer()` (demo/collector/server.ts) on 127.0.0.1 with a fresh data
 * directory and the demo's QA model (no holdout, no exploration, so a
 * visitor's decisions are the same on every run). The suite uses only the
 * server's `url` and `close()`, and reads what the collector received through
 * {@link receivedBatches} alone, so a change of the collector's API is
 * adapted in this file.
 *
 * For engines whose driver cannot run a script before the page's own
 * (WebKit), the pages are served from a copy whose heads start with the
 * in-page recorder (an external script: the demo's CSP forbids inline ones).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../demo/collector/server.js';
import { RECORDER_PATH, RECORDER_SOURCE } from './drivers/recorder.js';
import type { Engine } from './drivers/types.js';

/** The model the collector serves: the demo's QA model, no holdout and no exploration. */
export const QA_MODEL_FILE = 'test/browser/demo-qa-model.json';

/** The shop and collector, as the suite sees them. */
export interface Shop {
  readonly url: string;
  close(): Promise<void>;
}

/** One batch the collector accepted. */
export interface ReceivedBatch {
  id: string;
  device: string;
  deltas: number;
  duplicate: boolean;
}

/** Puts `<script src="RECORDER_PATH">` first in the head of every HTML file under `dir`. */
function injectRecorder(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) injectRecorder(path);
    else if (name.endsWith('.html')) writeFileSync(path, readFileSync(path, 'utf8').replace(/<head>/i, `<head><script src="${RECORDER_PATH}"></script>`));
  }
}

/** Starts the shop and collector for `engine`. */
export async function startShop(engine: Pick<Engine, 'recorder'>): Promise<Shop> {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-engines-'));
  const roots: Record<string, string> = { '/': 'demo/public', '/dist/': 'dist', '/test-pages/': 'test/pages' };
  if (engine.recorder === 'page-fixture') {
    cpSync('demo/public', join(dir, 'public'), { recursive: true });
    cpSync('test/pages', join(dir, 'test-pages'), { recursive: true });
    injectRecorder(join(dir, 'public'));
    injectRecorder(join(dir, 'test-pages'));
    writeFileSync(join(dir, 'recorder.js'), RECORDER_SOURCE);
    Object.assign(roots, { '/': join(dir, 'public'), '/test-pages/': join(dir, 'test-pages'), '/__engines/': dir });
  }
  const server = await startServer({ port: 0, dataDir: join(dir, 'collector'), modelFile: QA_MODEL_FILE, staticRoots: roots });
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The batches the collector accepted (for `device` only, when given), oldest first. The suite's one read of the collector. */
export async function receivedBatches(shop: Shop, device?: string): Promise<ReceivedBatch[]> {
  const response = await fetch(`${shop.url}/v1/received`);
  if (!response.ok) throw new Error(`GET /v1/received: ${response.status}`);
  const { batches } = (await response.json()) as { batches: ReceivedBatch[] };
  return device === undefined ? batches : batches.filter((b) => b.device === device);
}

/**
 * What the collector holds for `device`: field names. Read through the QA route `GET /v1/admin/device`
 * (open in development, behind the admin token elsewhere): the public pull needs the device's key.
 */
export async function remoteFields(shop: Shop, device: string): Promise<string[]> {
  const response = await fetch(`${shop.url}/v1/admin/device?device=${encodeURIComponent(device)}`);
  if (!response.ok) throw new Error(`GET /v1/admin/device: ${response.status}`);
  const body = (await response.json()) as { state?: { fields?: Record<string, unknown> } | null };
  return Object.keys(body.state?.fields ?? {});
}
