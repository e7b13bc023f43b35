/**
 * The in-page recorder every engine gets before the page's own scripts. No
 * driver gives console access in all three engines (WebKitWebDriver gives
 * none), so errors are captured from inside the page: uncaught errors,
 * unhandled rejections and `console.error` calls, kept in sessionStorage so
 * they survive navigations in the tab (and back/forward cache restores).
 * It also notes each page show (restored from the back/forward cache or
 * loaded), the states the hero slot went through (`late` first means the SDK
 * ran after first paint and kept the default on purpose) and when the hero
 * was decided, for the benchmark's swap time.
 */

/** sessionStorage key of the recorded errors (one JSON array of strings). */
export const ERRORS_KEY = '__engines_errors';
/** sessionStorage key of the page shows (JSON array of `{ path, persisted }`). */
export const SHOWS_KEY = '__engines_shows';
/** URL path the test server serves the recorder at, for engines that need it in the page's markup. */
export const RECORDER_PATH = '/__engines/recorder.js';

/** Runs in the page. Kept free of outer references: it is serialized. */
function record(errorsKey: string, showsKey: string): void {
  const w = window as unknown as { __enginesRecorder?: boolean; __enginesSwapAt?: number; __enginesHeroStates?: string[] };
  if (w.__enginesRecorder) return;
  w.__enginesRecorder = true;
  const append = (key: string, value: unknown): void => {
    try {
      const list = JSON.parse(sessionStorage.getItem(key) ?? '[]') as unknown[];
      list.push(value);
      sessionStorage.setItem(key, JSON.stringify(list));
    } catch {
      // sessionStorage unavailable: nothing to record into; the test then sees no errors, so it also checks outcomes.
    }
  };
  const where = (): string => location.pathname;
  // Only ErrorEvents: resource load failures also reach window 'error' listeners and are not script errors.
  addEventListener('error', (e) => {
    if (e instanceof ErrorEvent) append(errorsKey, `${where()}: uncaught ${e.message}`);
  });
  addEventListener('unhandledrejection', (e) => {
    const reason = e.reason instanceof Error ? `${e.reason.name}: ${e.reason.message}` : String(e.reason);
    append(errorsKey, `${where()}: unhandled rejection ${reason}`);
  });
  const consoleError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    append(errorsKey, `${where()}: console.error ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`);
    consoleError(...args);
  };
  addEventListener('pageshow', (e) => append(showsKey, { path: where(), persisted: e.persisted }));
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as Element;
      if (el.getAttribute('data-o2o-slot') === 'hero') (w.__enginesHeroStates ??= []).push(el.getAttribute('data-o2o-state') ?? '');
      if (w.__enginesSwapAt === undefined && el.getAttribute('data-o2o-slot') === 'hero' && el.getAttribute('data-o2o-state') === 'decided') w.__enginesSwapAt = performance.now();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-o2o-state'] });
}

/** The recorder as a script (for init scripts and the served file). */
export const RECORDER_SOURCE = `(${record.toString()})(${JSON.stringify(ERRORS_KEY)}, ${JSON.stringify(SHOWS_KEY)});`;

/** Page function: the recorded errors. */
export function readRecordedErrors(key: string): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[];
  } catch {
    return [];
  }
}
