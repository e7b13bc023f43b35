/**
 * Chromium through playwright-core (CDP), Debian's /usr/bin/chromium.
 * Playwright disables the back/forward cache by default
 * (`--disable-back-forward-cache` among its default switches); it is
 * re-enabled here, since the suite is about pages restored from it.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { RECORDER_SOURCE } from './recorder.js';
import { ScriptedPageSession } from './scripted-page.js';
import type { Engine, EngineBrowser, TopExit } from './types.js';

/** Path of the Chromium binary (as test/browser/harness.ts; not imported from there, which needs the vitest runner). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The workplace's flags (no sandbox as root, no background network), as test/browser/harness.ts. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

class ChromiumSession extends ScriptedPageSession<Page, BrowserContext> {
  readonly engine = 'chromium' as const;
  private readonly misses: string[] = [];

  /** Listens for Chromium's reasons not to restore a page from the back/forward cache. */
  async watchCacheMisses(): Promise<void> {
    const cdp = await this.context.newCDPSession(this.page);
    cdp.on('Page.backForwardCacheNotUsed', (event) => this.misses.push(event.notRestoredExplanations.map((e) => e.reason).join(', ')));
    await cdp.send('Page.enable');
  }

  readonly backForwardCacheMisses = (): string[] => [...this.misses];

  // A page restored from the back/forward cache fires no load event: wait for the commit, then on the page's own state.
  async back(expectedUrl: string): Promise<void> {
    await this.page.goBack({ waitUntil: 'commit' });
    await this.settledAt(expectedUrl);
  }

  async forward(expectedUrl: string): Promise<void> {
    await this.page.goForward({ waitUntil: 'commit' });
    await this.settledAt(expectedUrl);
  }

  async exitThroughTop(): Promise<TopExit> {
    // CDP dispatches pointer events at any coordinates, so the pointer really leaves the viewport.
    // One fast flick (500 px in one mousemove): exit intent needs 0.2 px/ms upward, which small steps miss on a busy machine.
    await this.page.mouse.move(400, 500);
    await this.page.mouse.move(400, 1);
    await this.page.mouse.move(400, -20);
    return 'real pointer';
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
