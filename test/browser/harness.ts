/**
 * Browser test harness: real Debian Chromium through playwright-core, and the
 * real demo server and collector on 127.0.0.1 with a fresh data directory.
 *
 * Without Chromium the suite is skipped locally with one clear line; when CI is
 * set a missing browser fails the run.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RunningServer, startServer } from '../../demo/collector/server.js';
import { BUILTIN_MODEL } from '../../src/core/model.js';

/** Path of the Chromium binary used by the browser suite. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags required on this workplace: no sandbox as root, no background network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

const available = existsSync(CHROMIUM_PATH);
if (!available && process.env.CI) {
  throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI must install it (apt-get install chromium) or set CHROMIUM_PATH.`);
}
if (!available) {
  console.warn(`[browser suite] skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`);
}

/** `describe` for browser suites: skipped locally when Chromium is missing. */
export const describeBrowser = available ? describe : describe.skip;

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** The demo server with a private data directory; `dispose` removes both. */
export interface TestServer extends RunningServer {
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * The built-in model without holdout or exploration, served by default so a
 * test's visitor (a random device id) never lands in the 5% holdout or gets an
 * explored variant: assertions about what is shown then hold on every run.
 * Holdout and exploration have their own seeded unit tests.
 */
function deterministicModel(dir: string): string {
  const file = join(dir, 'deterministic-model.json');
  writeFileSync(file, JSON.stringify({ ...BUILTIN_MODEL, id: 'test-deterministic', holdout: 0, explore: { ...BUILTIN_MODEL.explore, noise: 0 } }));
  return file;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  dataDir?: string;
  writeKeys?: string[];
  port?: number;
  modelFile?: string;
}

/** Starts the demo server and collector on a free port of 127.0.0.1. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'o2o-collector-'));
  const running = await startServer({
    port: options.port ?? 0,
    modelFile: options.modelFile ?? deterministicModel(dataDir),
    dataDir,
    staticRoots: { '/': 'demo/public', '/dist/': 'dist', '/test-pages/': 'test/pages' },
    ...(options.writeKeys ? { writeKeys: options.writeKeys } : {}),
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

/**
 * Stops a test server and starts a new one on the same port and data
 * directory, as a collector restart looks to the browser; the old one's
 * directory is kept.
 */
export async function restartTestServer(old: TestServer, options: { writeKeys?: string[] } = {}): Promise<TestServer> {
  await old.close();
  return startTestServer({ ...options, dataDir: old.dataDir, port: Number(new URL(old.url).port) });
}

/** Options of {@link useBrowserAndServer}. */
export interface BrowserAndServerOptions {
  /**
   * The server: options for {@link startTestServer} (by default `startTestServer()`),
   * or a function that starts one, for a server made another way (the
   * reliability suite's `startCollector`) or one that needs preparing first.
   */
  server?: TestServerOptions | (() => Promise<TestServer>);
  /** Also opens one browser context for the whole suite (`context`), closed first. */
  context?: boolean;
}

/** What {@link useBrowserAndServer} started; readable in hooks and tests once its `beforeAll` ran. */
export interface BrowserAndServer {
  readonly browser: Browser;
  readonly server: TestServer;
}

/** {@link BrowserAndServer} with the suite's shared context (`{ context: true }`). */
export interface BrowserServerAndContext extends BrowserAndServer {
  readonly context: BrowserContext;
}

/**
 * The lifecycle most browser suites share, registered on the enclosing
 * `describeBrowser`: a `beforeAll` that launches Chromium and starts the server
 * together (then opens a shared context with `{ context: true }`), and an
 * `afterAll` that closes the context and the browser and disposes of the server.
 * Hooks a suite registers after this call run after its `beforeAll` and before
 * its `afterAll`, so they can use what it started.
 *
 * Reading a property before the `beforeAll` ran (at collection time) throws.
 *
 * @example
 * describeBrowser('demo shop in Chromium', () => {
 *   const env = useBrowserAndServer({ server: { modelFile: 'test/browser/demo-qa-model.json' } });
 *   it('…', async () => {
 *     const page = await env.browser.newPage();
 *     await page.goto(env.server.url + '/');
 *   });
 * });
 */
export function useBrowserAndServer(options: BrowserAndServerOptions & { context: true }): BrowserServerAndContext;
export function useBrowserAndServer(options?: BrowserAndServerOptions): BrowserAndServer;
export function useBrowserAndServer(options: BrowserAndServerOptions = {}): BrowserServerAndContext {
  const { server: serverOption, context: withContext = false } = options;
  const start = typeof serverOption === 'function' ? serverOption : () => startTestServer(serverOption);
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    // Settled rather than all: whichever started is kept, so afterAll still closes it.
    const [launched, served] = await Promise.allSettled([launchBrowser(), start()]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (served.status === 'fulfilled') server = served.value;
    if (launched.status === 'rejected') throw launched.reason;
    if (served.status === 'rejected') throw served.reason;
    if (withContext) context = await launched.value.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useBrowserAndServer: no ${name} yet; read it inside a hook or test`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'browser');
    },
    get server() {
      return started(server, 'server');
    },
    get context() {
      return started(context, withContext ? 'context' : 'context (pass { context: true })');
    },
  };
}

/** Collects uncaught page errors and console errors so tests can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Reads every key and value of the SDK's IndexedDB store (`onetoone`/`kv`) from inside the page. */
export function readIndexedDb(page: Page, database = 'onetoone'): Promise<Array<[unknown, unknown]>> {
  return page.evaluate(
    (name) =>
      new Promise<Array<[unknown, unknown]>>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kv')) return resolve([]);
          const store = db.transaction('kv', 'readonly').objectStore('kv');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            resolve(keys.result.map((key, i) => [key, values.result[i]]));
            db.close();
          };
        };
      }),
    database,
  );
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type { Browser, BrowserContext, Page };

/** The events of the SDK's event log, oldest first (the log stores one array of events per commit under `['e', n]`). */
export async function readStoredEvents<T = { name: string; props?: Record<string, unknown> }>(page: Page, database = 'onetoone'): Promise<T[]> {
  const entries = await readIndexedDb(page, database);
  return entries.filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, value]) => value as T | T[]);
}

/**
 * Gives `context` a returning runner: one product page with a running item, its `view_item` stored, and the
 * test server's model (no holdout, no exploration) cached — it is pulled after the first page's load and
 * applies from the next page on.
 */
export async function warmRunningProfile(context: BrowserContext, serverUrl: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(serverUrl + '/test-pages/render-running.html');
  await waitFor(async () => (await readStoredEvents(page)).some((e) => e.name === 'view_item'), 10_000, 'view_item stored');
  await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the model cached');
  await page.close();
}
