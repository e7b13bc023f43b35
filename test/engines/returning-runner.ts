/**
 * Issue #13's journey, shared by the test and the benchmark: a returning
 * runner (a first visit to the home page caches the collector's model)
 * browses home → running category → 4 running products → home, with one
 * back and one forward on the way, and the home page's hero is then expected
 * to show `running`. Every page's storage mode is read once the SDK is ready.
 */
import type { EngineSession } from './drivers/index.js';
import { SHOWS_KEY } from './drivers/recorder.js';
import { type HeroReport, type SdkState, heroReport, heroShown, modelCached, recordedShows, sdkState, storedCounts } from './page.js';

/** The running products the journey views, in order. */
export const RUNNING_PRODUCTS = ['/running-shoe.html', '/product/sku-road-1.html', '/product/sku-run-vest.html', '/product/sku-run-watch.html'];

/** What one walk saw. */
export interface Walk {
  /** The SDK's state on every page shown, in order (history moves included). */
  pages: SdkState[];
  /** The last home page's hero: variant shown and the states it went through. */
  hero: HeroReport;
  /** Script response end → hero decided on the last home page, ms (warm: profile and model already stored); null when not measurable. */
  warmSwapMs: number | null;
  /** Events in IndexedDB at the end (counted without the SDK); null when the read hung. */
  storedEvents: number | null;
  device: string | null;
  /** Pages shown from the back/forward cache. */
  restored: string[];
  /** The browser's reasons for not restoring from the back/forward cache, where the driver can tell (Chromium). */
  cacheMisses: string[] | null;
}

/** Page function: script response end → hero decided, ms, as the recorder saw it. */
function warmSwap(): number | null {
  const at = (window as unknown as { __enginesSwapAt?: number }).__enginesSwapAt;
  const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/onetoone.min.js')) as PerformanceResourceTiming | undefined;
  return at === undefined || !entry ? null : Math.max(0, at - entry.responseEnd);
}

/** How long one page may take to settle its storage before it counts as not ready (the SDK's own fallback is 3 s). */
const READY_MS = 8000;

/** Walks the journey in `session` against the shop at `origin`. */
export async function walkReturningRunner(session: EngineSession, origin: string): Promise<Walk> {
  const pages: SdkState[] = [];
  const settle = async (): Promise<void> => void pages.push(await session.evaluate(sdkState, READY_MS));
  await session.goto(origin + '/');
  await settle();
  await heroShown(session);
  await modelCached(session);
  await session.goto(origin + '/category/running.html');
  await settle();
  const [first, second, ...rest] = RUNNING_PRODUCTS as [string, string, ...string[]];
  await session.goto(origin + first);
  await settle();
  await session.goto(origin + second);
  await settle();
  await session.back(origin + first);
  await settle();
  await session.forward(origin + second);
  await settle();
  for (const path of rest) {
    await session.goto(origin + path);
    await settle();
  }
  await session.goto(origin + '/');
  await settle();
  const hero = await heroReport(session);
  const warmSwapMs = await session.evaluate(warmSwap);
  const stored = await session.evaluate(storedCounts, 5000);
  const restored = (await session.evaluate(recordedShows, SHOWS_KEY)).filter((s) => s.persisted).map((s) => s.path);
  const cacheMisses = session.backForwardCacheMisses?.() ?? null;
  return { pages, hero, warmSwapMs, storedEvents: stored.hung ? null : stored.events, device: stored.device, restored, cacheMisses };
}
