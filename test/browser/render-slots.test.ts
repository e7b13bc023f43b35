/**
 * Markup slots in real Chromium under the demo's strict CSP: swapped before
 * the slot is ever painted on a warm profile, defaults after the anti-flicker
 * timeout when the script is slow or blocked, no layout shift from our swaps
 * (web-vitals CLS), SPA slots decided on insertion, preview, and impression
 * and click feedback attributed to the decision.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page, type TestServer, describeBrowser, readStoredEvents, useBrowserAndServer, waitFor, warmRunningProfile, watchErrors } from './harness.js';

const webVitals = readFileSync(createRequire(import.meta.url).resolve('web-vitals').replace(/web-vitals\.js$/, 'web-vitals.iife.js'), 'utf8');

/** Runs in the page before anything else: records frames showing the default, the swap time, CSP violations and CLS. */
function instrument(): void {
  const w = window as unknown as Record<string, unknown>;
  w.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => (w.__violations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
  w.__defaultFrames = 0;
  const frame = (): void => {
    const slot = document.querySelector('[data-o2o-slot="hero"]');
    if (slot && getComputedStyle(slot).visibility === 'visible' && slot.getAttribute('data-o2o-shown') !== (w.__expect as string)) {
      w.__defaultFrames = (w.__defaultFrames as number) + 1;
    }
    if (!slot?.hasAttribute('data-o2o-shown')) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new MutationObserver(() => {
    if (w.__swapAt === undefined && document.querySelector('[data-o2o-slot="hero"][data-o2o-shown]')) w.__swapAt = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-o2o-shown'] });
}

async function warmContext(browser: Browser, server: TestServer): Promise<BrowserContext> {
  const context = await browser.newContext();
  await warmRunningProfile(context, server.url);
  await context.addInitScript(instrument);
  await context.addInitScript(`${webVitals};window.__cls=0;webVitals.onCLS(function(m){window.__cls=m.value},{reportAllChanges:true});`);
  return context;
}

const read = <T>(page: Page, name: string): Promise<T> => page.evaluate((n) => (window as unknown as Record<string, T>)[n] as T, name);

describeBrowser('markup slots in Chromium', () => {
  const env = useBrowserAndServer();

  it('swaps a warm slot before it is ever painted, with no layout shift and no CSP violation', async () => {
    const context = await warmContext(env.browser, env.server);
    await context.addInitScript(() => ((window as unknown as Record<string, unknown>).__expect = 'running'));
    const timings: number[] = [];
    for (let run = 0; run < 5; run++) {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(env.server.url + '/test-pages/render-slots.html');
      await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
      expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')).toBe('running');
      expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Run further this season');
      expect(await read<number>(page, '__defaultFrames')).toBe(0);
      timings.push(await page.evaluate(() => {
        const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/onetoone.min.js')) as PerformanceResourceTiming;
        return ((window as unknown as { __swapAt: number }).__swapAt) - script.responseEnd;
      }));
      await page.waitForTimeout(500);
      expect(await read<number>(page, '__cls')).toBe(0);
      expect(await read<string[]>(page, '__violations')).toEqual([]);
      expect(errors).toEqual([]);
      if (run === 0) {
        // The instrument is live: a shift we cause on purpose is measured.
        await page.evaluate(() => document.querySelector('.hero')?.insertAdjacentElement('beforebegin', Object.assign(document.createElement('div'), { style: 'height:120px' })));
        await waitFor(() => read<number>(page, '__cls'), 3000, 'a measured shift');
      }
      await page.close();
    }
    timings.sort((a, b) => a - b);
    console.info(`[render] script loaded → hero swapped, warm profile, ms: median ${timings[2]?.toFixed(1)}, range ${timings[0]?.toFixed(1)}–${timings[4]?.toFixed(1)}`);
    await context.close();
  });

  it('shows defaults after the timeout when the script is slow, and keeps them', async () => {
    const context = await warmContext(env.browser, env.server);
    const page = await context.newPage();
    await page.route('**/onetoone.min.js', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.goto(env.server.url + '/test-pages/render-slots.html');
    await page.waitForTimeout(600);
    const early = await page.evaluate(() => {
      const slot = document.querySelector('[data-o2o-slot="hero"]') as HTMLElement;
      return { visibility: getComputedStyle(slot).visibility, text: slot.querySelector('h1')?.textContent };
    });
    expect(early).toEqual({ visibility: 'visible', text: 'Gear for every path' });
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]', { timeout: 10_000 });
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')).toBe('default');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Gear for every path');
    expect(await page.evaluate(() => (window as unknown as { OneToOne: { decide(s: string): { variant: string } } }).OneToOne.decide('hero')?.variant)).toBe('default');
    expect(await read<number>(page, '__cls')).toBe(0);
    await context.close();
  });

  it('shows defaults after the timeout when the script is blocked', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.route('**/onetoone.min.js', (route) => route.abort());
    await page.goto(env.server.url + '/test-pages/render-slots.html');
    // The head rule reveals undecided slots by itself after its timeout (an animation on the page's clock):
    // wait for that instead of a fixed sleep, which a busy machine outran (CI saw 'hidden' after 500 ms).
    const hero = '[data-o2o-slot="hero"]';
    await page.waitForFunction((sel) => getComputedStyle(document.querySelector(sel) as Element).visibility === 'visible', hero, { timeout: 10_000 });
    expect(await page.evaluate((sel) => document.querySelector(sel)?.getAttribute('data-o2o-state') ?? null, hero)).toBeNull();
    await context.close();
  });

  it('decides SPA slots on insertion, keeps the decision across re-renders, and reports impressions and clicks', async () => {
    const context = await warmContext(env.browser, env.server);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + '/test-pages/render-slots.html');
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    for (let render = 0; render < 2; render++) {
      await page.evaluate(() => dispatchEvent(new Event('spa-render')));
      expect(await read<string>(page, 'spaShownAtInsert')).toBe('trail');
      expect(await page.textContent('[data-o2o-slot="promo"] h1')).toBe('Trail promo');
    }
    await page.click('[data-o2o-slot="hero"]');
    const events = await waitFor(async () => {
      const names = (await readStoredEvents(page)).filter((e) => e.name.endsWith('_promotion'));
      return names.filter((e) => e.name === 'view_promotion').length >= 2 && names.some((e) => e.name === 'select_promotion') ? names : undefined;
    }, 10_000, 'promotion events');
    expect(events.find((e) => e.name === 'select_promotion')?.props).toEqual({ slot: 'hero', variant: 'running', group: 'personalized' });
    expect(events.filter((e) => e.name === 'view_promotion').map((e) => e.props?.slot).sort()).toEqual(['hero', 'promo']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('forces a previewed variant for this browser until turned off, and says so in debug output', async () => {
    const context = await warmContext(env.browser, env.server);
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    const shown = async (query: string): Promise<string | null> => {
      await page.goto(env.server.url + '/test-pages/render-slots.html' + query);
      await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
      return page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown');
    };
    expect(await shown('?o2o_preview=hero:camping')).toBe('camping');
    expect(await page.evaluate(() => (window as unknown as { OneToOne: { decide(s: string): { group: string } } }).OneToOne.decide('hero')?.group)).toBe('preview');
    expect(await shown('')).toBe('camping');
    expect(await shown('?o2o_preview=off')).toBe('running');
    expect(logs.some((l) => l.includes('preview: hero forced to camping'))).toBe(true);
    await context.close();
  });
});
