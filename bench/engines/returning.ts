/**
 * Issue #13's returning-runner walk (test/engines/returning-runner.ts), run
 * N times per engine in fresh sessions against the demo shop and the
 * collector, printed as JSON: how often the hero was personalized, how often
 * every page kept IndexedDB, batches delivered, page errors, pages restored
 * from the back/forward cache, and the warm swap time (script response end →
 * hero decided on the last home page) as median and range.
 * Usage: npm run build && nice node bench/engines/returning.mjs [--runs N] [--engines chromium,firefox,webkit]
 */
import { installedEngines } from '../../test/engines/drivers/index.js';
import type { Engine } from '../../test/engines/drivers/index.js';
import { poll } from '../../test/engines/drivers/page-call.js';
import { callClient } from '../../test/engines/page.js';
import { walkReturningRunner } from '../../test/engines/returning-runner.js';
import { receivedBatches, startShop } from '../../test/engines/shop.js';

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const RUNS = Number(argument('--runs') ?? 10);
if (argument('--engines')) process.env.O2O_ENGINES = argument('--engines');

interface Range {
  median: number | null;
  min: number | null;
  max: number | null;
  n: number;
}

function range(values: number[]): Range {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length ? (sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2) : null;
  const round = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v * 10) / 10);
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), n: sorted.length };
}

async function benchEngine(engine: Engine): Promise<Record<string, unknown>> {
  const [browser, shop] = await Promise.all([engine.launch(), startShop(engine)]);
  const runs: Array<{ hero: string; heroStates: string[]; allIndexedDb: boolean; memoryPages: string[]; batches: number; errors: number; swapMs: number | null; restored: number; cacheMisses?: string[] | null; failure?: string }> = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const session = await browser.newIsolatedSession();
      try {
        const walk = await walkReturningRunner(session, shop.url);
        // Batches leave on the interval and on pagehide: flush what is left, then wait for this device's
        // batches at most 5 s (0 when none came: the WebKit symptom).
        await session.evaluate(callClient, 'flush').catch(() => undefined);
        const batches = walk.device
          ? await poll('batches', 5000, async () => {
              const list = await receivedBatches(shop, walk.device ?? '');
              return list.length ? list.length : null;
            }).catch(() => 0)
          : 0;
        runs.push({
          hero: walk.hero.shown,
          heroStates: walk.hero.states,
          allIndexedDb: walk.pages.every((p) => p.storageMode === 'indexeddb'),
          memoryPages: walk.pages.filter((p) => p.storageMode !== 'indexeddb').map((p) => p.path),
          batches,
          errors: (await session.pageErrors()).length,
          swapMs: walk.warmSwapMs,
          restored: walk.restored.length,
          cacheMisses: walk.cacheMisses,
        });
      } catch (error) {
        runs.push({ hero: 'none', heroStates: [], allIndexedDb: false, memoryPages: [], batches: 0, errors: 0, swapMs: null, restored: 0, failure: String(error).slice(0, 200) });
      } finally {
        await session.close().catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await shop.close();
  }
  // Only personalized, swapped-in-time heroes are a warm swap; a late or memory page's "swap" is the fallback.
  const swaps = runs.filter((r) => r.hero === 'running' && r.swapMs !== null).map((r) => r.swapMs as number);
  return {
    engine: engine.name,
    version: browser.version,
    runs: RUNS,
    heroPersonalized: `${runs.filter((r) => r.hero === 'running').length}/${RUNS}`,
    heroKeptLate: `${runs.filter((r) => r.heroStates[0] === 'late').length}/${RUNS}`,
    indexedDbOnEveryPage: `${runs.filter((r) => r.allIndexedDb).length}/${RUNS}`,
    runsWithBatchesDelivered: `${runs.filter((r) => r.batches > 0).length}/${RUNS}`,
    batchesDelivered: runs.reduce((n, r) => n + r.batches, 0),
    pageErrors: runs.reduce((n, r) => n + r.errors, 0),
    pagesRestoredFromBfcache: runs.reduce((n, r) => n + r.restored, 0),
    bfcacheNotUsedReasons: [...new Set(runs.flatMap((r) => r.cacheMisses ?? []))],
    warmSwapMs: range(swaps),
    perRun: runs,
  };
}

const results = [];
for (const engine of installedEngines()) results.push(await benchEngine(engine));
console.log(JSON.stringify({ scenario: 'returning runner: home → running → 4 products (back, forward) → home', runsPerEngine: RUNS, at: new Date().toISOString(), results }, null, 2));
