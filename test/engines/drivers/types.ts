/**
 * One small async API over three browser engines (Chromium through
 * playwright-core, Firefox ESR through puppeteer-core over WebDriver BiDi,
 * WebKitGTK through selenium-webdriver and WebKitWebDriver), so a scenario is
 * written once and run in all three.
 */

/** The engines the cross-engine suite runs in. */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A function run inside the page; it is serialized, so it may use only its arguments and page globals. */
export type PageFunction<A extends unknown[], R> = (...args: A) => R | Promise<R>;

/**
 * How a session leaves the viewport through its top edge: `real` pointer
 * moves out of the page, or real moves up to the top row followed by a
 * `synthetic mouseout` where the driver cannot move the pointer outside the
 * viewport (a driver limitation, named in docs/browsers.md).
 */
export type TopExit = 'real pointer' | 'real moves + synthetic mouseout';

/** One isolated browsing session (its own storage) with one tab. */
export interface EngineSession {
  readonly engine: EngineName;
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  /** History back, then waits until the page at `expectedUrl` is shown and loaded (from the back/forward cache or not). */
  back(expectedUrl: string): Promise<void>;
  /** History forward, like {@link EngineSession.back}. */
  forward(expectedUrl: string): Promise<void>;
  /** Runs `fn(...args)` in the page and returns its (awaited, JSON-serializable) result. */
  evaluate<A extends unknown[], R>(fn: PageFunction<A, R>, ...args: A): Promise<R>;
  /**
   * Polls `predicate(...args)` in the page until it returns a truthy value,
   * then returns that value; fails after `timeoutMs` naming `what`.
   */
  waitFor<A extends unknown[], R>(what: string, timeoutMs: number, predicate: PageFunction<A, R>, ...args: A): Promise<NonNullable<R>>;
  /** Moves the real pointer to viewport coordinates (CSS px), in `steps` moves. */
  pointerMove(x: number, y: number, steps?: number): Promise<void>;
  /** Clicks the first element matching `selector` with the real pointer. */
  click(selector: string): Promise<void>;
  /** Moves the pointer up and out through the top edge, as a visitor heading for the tab strip; says how. */
  exitThroughTop(): Promise<TopExit>;
  /** Errors recorded from inside the page since the session started, across navigations (see recorder.ts). */
  pageErrors(): Promise<string[]>;
  /**
   * Why history moves were not served from the back/forward cache, as the browser reports it
   * (Chromium over CDP only; undefined where the driver cannot tell).
   */
  readonly backForwardCacheMisses?: () => string[];
  close(): Promise<void>;
}

/** A launched browser; sessions share its process. */
export interface EngineBrowser {
  readonly engine: EngineName;
  /** The browser's own version string. */
  readonly version: string;
  /** A new session with storage of its own (Chromium and Firefox: a new browser context; WebKit: a new WebDriver session). */
  newIsolatedSession(): Promise<EngineSession>;
  close(): Promise<void>;
}

/** How the in-page recorder gets into pages before their own scripts. */
export type RecorderInjection =
  /** The driver runs it before any page script (playwright addInitScript, puppeteer evaluateOnNewDocument over BiDi). */
  | 'init-script'
  /** The driver cannot: the test server adds `<script src>` as the first element of every page's head. */
  | 'page-fixture';

/** An engine the suite can run, whether or not it is installed here. */
export interface Engine {
  readonly name: EngineName;
  /** The binary the driver launches. */
  readonly binary: string;
  readonly recorder: RecorderInjection;
  /** True when the engine and its driver binaries are installed. */
  available(): boolean;
  launch(): Promise<EngineBrowser>;
}
