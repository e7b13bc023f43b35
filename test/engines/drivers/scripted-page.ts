/**
 * What the Chromium (playwright-core) and Firefox (puppeteer-core) sessions share: both libraries drive a page
 * object with the same calls for loading, running a script string, pointer moves and clicks, so the session
 * methods built on them are written once here. Each engine keeps its own history moves and top exit.
 */
import { callExpression, poll } from './page-call.js';
import { ERRORS_KEY, readRecordedErrors } from './recorder.js';
import type { EngineName, EngineSession, PageFunction, TopExit } from './types.js';

/** The calls both libraries' page objects answer alike. */
export interface ScriptablePage {
  goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
  mouse: { move(x: number, y: number, options?: { steps?: number }): Promise<void> };
  click(selector: string): Promise<void>;
}

/** An engine session over a {@link ScriptablePage} in a context of its own (closing it ends the visitor). */
export abstract class ScriptedPageSession<P extends ScriptablePage, C extends { close(): Promise<void> }> implements EngineSession {
  abstract readonly engine: EngineName;
  constructor(protected readonly context: C, protected readonly page: P) {}

  abstract back(expectedUrl: string): Promise<void>;
  abstract forward(expectedUrl: string): Promise<void>;
  abstract exitThroughTop(): Promise<TopExit>;

  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  /** Waits until the page at `url` is shown and loaded; a page restored from the back/forward cache fires no load event. */
  protected async settledAt(url: string): Promise<void> {
    const shown = (u: string): boolean => location.href === u && document.readyState === 'complete';
    // Evaluating while the navigation commits can fail (the old document is gone): that is "not yet".
    await poll(`${url} shown`, 10_000, () => this.evaluate(shown, url).catch(() => false));
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

  pageErrors(): Promise<string[]> {
    return this.evaluate(readRecordedErrors, ERRORS_KEY);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
