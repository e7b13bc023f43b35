/**
 * Chromium through playwright-core (CDP), Debian's /usr/bin/chromium.
 * Playwright disables the back/forward cache by default
 * (`--disable-back-forward-cache` among its default switches); it is
 * re-enabled here, since the suite is about pages restored from it.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { callExpression, poll } from './page-call.js';
import { ERRORS_KEY, RECORDER_SOURCE, readRecordedErrors } from './recorder.js';
import type { Engine, EngineBrowser, EngineSession, PageFunction, TopExit } from './types.js';

/** Path of the Chromium binary (as test/browser/harness.ts; not imported from there, which needs the vitest runner). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The workplace's flags (no sandbox as root, no background network), as test/browser/harness.ts. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

class ChromiumSession implements EngineSession {
  readonly engine = 'chromium' as const;
  private readonly misses: string[] = [];
  constructor(private readonly context: BrowserContext, private readonly page: Page) {}

  /** Listens for Chromium's reasons not to restore a page from the back/forward cache. */
  async watchCacheMisses(): Promise<void> {
    const cdp = await this.context.newCDPSession(this.page);
    cdp.on('Page.backForwardCacheNotUsed', (event) => this.misses.push(event.notRestoredExplanations.map((e) => e.reason).join(', ')));
    await cdp.send('Page.enable');
  }

  readonly backForwardCacheMisses = (): string[] => [...this.misses];

  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  // A page restored from the back/forward cache fires no load event: wait for the commit, then on the page's own state.
  async back(expectedUrl: string): Promise<void> {
    await this.page.goBack({ waitUntil: 'commit' });
    await this.settledAt(expectedUrl);
  }

  async forward(expectedUrl: string): Promise<void> {
    await this.page.goForward({ waitUntil: 'commit' });
    await this.settledAt(expectedUrl);
  }

  private async settledAt(url: string): Promise<void> {
    await poll(`${url} shown`, 10_000, () => this.page.evaluate((u) => location.href === u && document.readyState === 'complete', url));
  }

  evaluate<A extends unknown[], R>(fn: PageFunction<A, R>, ...args: A): Promise<R> {
    return this.page.evaluate(callExpression(fn, args)) as Promise<R>;
  }

  waitFor<A extends unknown[], R>(what: string, timeoutMs: number, predicate: PageFunction<A, R>, ...args: A): Promise<NonNullable<R>> {
    return poll(what, timeoutMs, () => this.evaluate(predicate, ...args));
  }

  async pointerMove(x: number, y: number, steps = 1): Promise<void> {
    await this.page.mouse.move(x, y, { steps });
  }

  async click(selector: string): Promise<void> {
    await this.page.click(selector);
  }

  async exitThroughTop(): Promise<TopExit> {
    // CDP dispatches pointer events at any coordinates, so the pointer really leaves the viewport.
    // One fast flick (500 px in one mousemove): exit intent needs 0.2 px/ms upward, which small steps miss on a busy machine.
    await this.page.mouse.move(400, 500);
    await this.page.mouse.move(400, 1);
    await this.page.mouse.move(400, -20);
    return 'real pointer';
  }

  pageErrors(): Promise<string[]> {
    return this.evaluate(readRecordedErrors, ERRORS_KEY);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Chromium (playwright-core over CDP). */
export const chromiumEngine: Engine = {
  name: 'chromium',
  binary: CHROMIUM_PATH,
  recorder: 'init-script',
  available: () => existsSync(CHROMIUM_PATH),
  async launch(): Promise<EngineBrowser> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
    return {
      engine: 'chromium',
      version: `Chromium ${browser.version()}`,
      async newIsolatedSession() {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript(RECORDER_SOURCE);
        const session = new ChromiumSession(context, await context.newPage());
        await session.watchCacheMisses();
        return session;
      },
      close: () => browser.close(),
    };
  },
};
