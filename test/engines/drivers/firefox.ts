/**
 * Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver).
 * One browser process per test file; each session is a BiDi user context
 * (`createBrowserContext`), which has storage of its own, so a session starts
 * as a new visitor without paying for a new profile and process.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type BrowserContext, type Page } from 'puppeteer-core';
import { dispatchTopMouseout } from './top-exit.js';
import { RECORDER_SOURCE } from './recorder.js';
import { ScriptedPageSession } from './scripted-page.js';
import type { Engine, EngineBrowser, TopExit } from './types.js';

/** Path of Firefox ESR. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

class FirefoxSession extends ScriptedPageSession<Page, BrowserContext> {
  readonly engine = 'firefox' as const;

  // A page restored from the back/forward cache fires no load event, and puppeteer's history calls then wait
  // for one (or fail with "Frame detached"): the call is not awaited, the page's own state is.
  async back(expectedUrl: string): Promise<void> {
    void this.page.goBack({ timeout: 15_000 }).catch(() => null);
    await this.settledAt(expectedUrl);
  }

  async forward(expectedUrl: string): Promise<void> {
    void this.page.goForward({ timeout: 15_000 }).catch(() => null);
    await this.settledAt(expectedUrl);
  }

  async exitThroughTop(): Promise<TopExit> {
    // One fast flick (500 px in one mousemove): exit intent needs 0.2 px/ms upward, which small steps miss on a busy machine.
    await this.page.mouse.move(400, 500);
    await this.page.mouse.move(400, 1);
    try {
      // WebDriver BiDi rejects pointer moves outside the viewport ("move target out of bounds").
      await this.page.mouse.move(400, -20, { steps: 2 });
      return 'real pointer';
    } catch {
      await this.evaluate(dispatchTopMouseout);
      return 'real moves + synthetic mouseout';
    }
  }
}

/** Firefox ESR (puppeteer-core over WebDriver BiDi). */
export const firefoxEngine: Engine = {
  name: 'firefox',
  binary: FIREFOX_PATH,
  recorder: 'init-script',
  available: () => existsSync(FIREFOX_PATH),
  async launch(): Promise<EngineBrowser> {
    // A fresh temporary profile per launch (puppeteer creates and removes it); no preference touches the back/forward cache.
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, defaultViewport: { width: 1280, height: 900 } });
    const version = await browser.version();
    return {
      engine: 'firefox',
      version: version.replace(/^firefox\//i, 'Firefox '),
      async newIsolatedSession() {
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        await page.evaluateOnNewDocument(RECORDER_SOURCE);
        return new FirefoxSession(context, page);
      },
      close: () => browser.close(),
    };
  },
};
