/**
 * Late scripts in Chromium: the script tag held back by 0, 100, 300 and
 * 1,000 ms on a warm profile (page.route answers after the delay). With the
 * documented head rule (`/dist/onetoone.css`) the hero is hidden from the
 * first paint, shows the personalized variant when the script decides within
 * antiFlickerMs (300) and the default after it, and never jumps: CLS (a
 * `layout-shift` PerformanceObserver in the page) is 0 and the visible
 * content never changes once seen. Without the rule a script that runs after
 * first paint leaves a `late` slot: it keeps its default, is counted,
 * explained in its decision, and a debug-mode console line asks for the rule.
 */
import { expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page, type TestServer, describeBrowser, useBrowserAndServer, waitFor, warmRunningProfile, watchErrors } from './harness.js';

/** Runs before anything else in the page: layout shifts and every distinct visible content of the hero, in order. */
function instrument(): void {
  const w = window as unknown as { __cls: number; __seen: string[]; __revealAt?: number };
  w.__cls = 0;
  w.__seen = [];
  // The head rule's animation ends when it reveals an undecided slot; a decision in time cancels it instead.
  document.addEventListener('animationend', (e) => {
    if (e.animationName === 'o2o-reveal' && (e.target as Element).matches('[data-o2o-slot="hero"]')) w.__revealAt = performance.now();
  }, true);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!entry.hadRecentInput) w.__cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  const frame = (): void => {
    const slot = document.querySelector('[data-o2o-slot="hero"]');
    const h1 = slot?.querySelector('h1')?.textContent;
    if (slot && h1 && getComputedStyle(slot).visibility === 'visible' && w.__seen[w.__seen.length - 1] !== h1) w.__seen.push(h1);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function warmContext(browser: Browser, server: TestServer): Promise<BrowserContext> {
  const context = await browser.newContext();
  await warmRunningProfile(context, server.url);
  await context.addInitScript(instrument);
  return context;
}

/** Opens `path` with the core script answered `delayMs` after it was requested. */
async function openLate(context: BrowserContext, url: string, delayMs: number): Promise<{ page: Page; errors: string[]; console: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  await page.route('**/dist/onetoone.min.js', async (route) => {
    const response = await route.fetch();
    // The hold is the scenario itself (a slow network), not a wait for a condition.
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await route.fulfill({ response });
  });
  await page.goto(url);
  await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]', { timeout: 10_000 });
  return { page, errors, console };
}

const read = <T>(page: Page, name: string): Promise<T> => page.evaluate((n) => (window as unknown as Record<string, T>)[n] as T, name);

interface Outcome {
  delay: number;
  shown: string | null;
  seen: string[];
  cls: number;
  counters: Record<string, number>;
  why: string[];
  paintedBeforeScript: boolean;
  /** When the head rule revealed the undecided hero (ms since navigation), or undefined when it was decided first. */
  revealAt: number | undefined;
}

async function outcome(page: Page, delay: number): Promise<Outcome> {
  // Long enough after the decision for a jump, if any, to be seen and measured.
  await page.waitForTimeout(400);
  const state = await page.evaluate(() => {
    const c = (window as unknown as { OneToOne: { counters: Record<string, number>; decide(s: string): { explanation: Array<{ text: string }> } } }).OneToOne;
    const paint = performance.getEntriesByType('paint')[0]?.startTime ?? Infinity;
    const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/onetoone.min.js')) as PerformanceResourceTiming | undefined;
    return { counters: c.counters, why: c.decide('hero').explanation.map((e) => e.text), paintedBeforeScript: script ? paint < script.responseEnd : false };
  });
  return { delay, shown: await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown'), seen: await read<string[]>(page, '__seen'), cls: await read<number>(page, '__cls'), revealAt: await read<number | undefined>(page, '__revealAt'), ...state };
}

const RUNNING = 'Run further this season';
const DEFAULT = 'Gear for every path';

describeBrowser('late scripts in Chromium', () => {
  const env = useBrowserAndServer();

  it('with the head rule: personalized within antiFlickerMs, default after it, never a jump', async () => {
    const context = await warmContext(env.browser, env.server);
    const results: Outcome[] = [];
    for (const delay of [0, 100, 300, 1000]) {
      const { page, errors } = await openLate(context, env.server.url + '/test-pages/late-rule.html', delay);
      const result = await outcome(page, delay);
      results.push(result);
      expect(errors).toEqual([]);
      expect(result.cls).toBe(0);
      // Whatever the visitor saw first is all they saw: hidden, then one content.
      expect(result.seen).toHaveLength(1);
      expect(result.seen[0]).toBe(result.shown === 'running' ? RUNNING : DEFAULT);
      // Personalized only when decided before the rule revealed the slot; a default kept is counted as late.
      // The reveal's animationend is no clock for this: at the 300 ms boundary it can fire in the very frame
      // in which the decision landed, before anything default was painted (the `seen` check above proves it).
      if (result.shown === 'running') {
        expect(result.counters['slot:late-timeout']).toBeUndefined();
      } else {
        expect(result.shown).toBe('default');
        expect(result.revealAt).toBeDefined();
        expect(result.counters['slot:late-timeout']).toBe(1);
      }
      await page.close();
    }
    console.info('[late-script] with the head rule: ' + results.map((r) => `${r.delay} ms → ${r.shown}${r.revealAt === undefined ? '' : ` (revealed at ${r.revealAt.toFixed(0)} ms)`}`).join(', '));
    // Whether 100 and 300 ms beat the rule's clock (which starts at first style, before the script is even
    // requested) depends on the machine's load; the checks above hold either way. 0 and 1000 ms do not.
    expect(results[0]?.shown).toBe('running');
    expect(results[3]?.shown).toBe('default');
    expect(results[3]?.counters['slot:late-timeout']).toBe(1);
    expect(results[3]?.counters['slot:late-no-head-rule']).toBeUndefined();
    await context.close();
  });

  it('without the head rule: a script after first paint leaves the hero late, counted, explained and reported once in debug mode', async () => {
    const context = await warmContext(env.browser, env.server);
    for (const delay of [300, 1000]) {
      const { page, errors, console: lines } = await openLate(context, env.server.url + '/test-pages/late-no-rule.html', delay);
      const result = await outcome(page, delay);
      expect(errors).toEqual([]);
      expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-state')).toBe('decided');
      expect(result.cls).toBe(0);
      // On a loaded machine the first paint can come after a 300 ms script; then nothing was seen before the
      // decision and the hero is personalized. After 1000 ms the page has always painted.
      if (delay === 300 && !result.counters['slot:late-no-head-rule']) {
        expect(result.paintedBeforeScript).toBe(false);
        expect(result.shown).toBe('running');
        expect(result.seen).toEqual([RUNNING]);
        console.info('[late-script] without the head rule, 300 ms: the script ran before first paint');
        await page.close();
        continue;
      }
      expect(result.paintedBeforeScript).toBe(true);
      expect(result.shown).toBe('default');
      expect(result.seen).toEqual([DEFAULT]);
      expect(result.counters['slot:late-no-head-rule']).toBe(1);
      expect(result.why).toEqual(['late: no-head-rule']);
      expect(lines.filter((line) => /Add the head rule/.test(line))).toHaveLength(1);
      if (delay === 1000) {
        // The instrument is live: a shift caused on purpose is measured.
        await page.evaluate(() => document.querySelector('.hero')?.insertAdjacentElement('beforebegin', Object.assign(document.createElement('div'), { style: 'height:120px' })));
        await waitFor(() => read<number>(page, '__cls'), 3000, 'a measured shift');
        // The debug panel explains the default under the slot's decision (last page only: an open panel is
        // remembered for the next page of the context).
        await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
        await expect.poll(() => page.locator('#o2o-debug [data-slot="hero"]').textContent({ timeout: 500 }).catch(() => ''), { timeout: 10_000 }).toMatch(/Add the head rule/);
      }
      await page.close();
    }
    await context.close();
  });
});
