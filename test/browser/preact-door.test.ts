/**
 * The Preact door in Chromium (issue #17, point 4), through the built package
 * (dist/index.js and dist/preact.js, bundled with Preact for the page): a
 * `<Slot>` that gives its variants tags, and a `useDecision()` that does, are
 * decided from the local profile on the first page view, with a model that
 * declares neither slot (the collector serves the built-in model); on the next
 * page view the variant matching what the visitor looked at wins, and a
 * variant whose eligibility the visitor fails is never chosen.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, useBrowserAndServer, watchErrors } from './harness.js';

const cache = resolve('node_modules/.cache', `o2o-preact-door-${process.pid}`);
let bundle = '';

/** The app: init() from the package, a <Slot> with tags and eligibility, and a useDecision() probe. */
const APP = `
import { h, render } from 'preact';
import { init } from ${JSON.stringify(resolve('dist/index.js'))};
import { OneToOneProvider, Slot, useDecision } from ${JSON.stringify(resolve('dist/preact.js'))};
import { installDebugPanel } from ${JSON.stringify(resolve('dist/debug.js'))};
installDebugPanel();

const client = init({ endpoint: '/', writeKey: 'demo', flushIntervalMs: 600000 });
window.o2oClient = client;
window.o2oDecisions = [];
client.onDecision((d) => window.o2oDecisions.push(d));

function Banner() {
  const decision = useDecision('banner', [{ id: 'trail', tags: ['running'] }, { id: 'tent', tags: ['camping'] }]);
  return h('p', { id: 'banner', 'data-variant': decision ? decision.variant : 'undecided' }, decision ? decision.variant : '…');
}

render(
  h(OneToOneProvider, { client },
    h(Slot, {
      name: 'hero',
      fallback: h('h1', null, 'Default hero'),
      // 'app' first: on a tie it would win, so only its eligibility keeps it out.
      variants: { app: h('h1', null, 'Get the app'), running: h('h1', null, 'Run further'), camping: h('h1', null, 'Nights outside') },
      tags: { app: ['camping', 'running'], running: ['running'], camping: ['camping'] },
      // Phones only: this desktop visitor must never get it, however well its tags match.
      eligibility: { app: { 'ctx.mobile': [1, null] } },
    }),
    h(Banner, null),
  ),
  document.getElementById('app'),
);
`;

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  const entry = join(cache, 'app.js');
  writeFileSync(entry, APP);
  const out = join(cache, 'app.bundle.js');
  await build({ entryPoints: [entry], bundle: true, format: 'iife', outfile: out, logLevel: 'silent', absWorkingDir: resolve('.'), nodePaths: [resolve('node_modules')] });
  bundle = readFileSync(out, 'utf8');
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describeBrowser('Preact door in Chromium', () => {
  const env = useBrowserAndServer({ context: true });

  /** Serves the app's page and bundle on the collector's origin (same IndexedDB, endpoint `/`). */
  async function openApp(page: Page): Promise<void> {
    await page.route('**/preact-door/**', (route) =>
      route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: bundle })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Preact door</title><div id="app"></div><script src="/preact-door/app.js"></script>' }),
    );
    await page.goto(env.server.url + '/preact-door/index.html');
  }

  const shown = (page: Page) => page.locator('[data-o2o-component="hero"]').getAttribute('data-o2o-shown');

  it('decides <Slot> and useDecision() from the local profile on the first page view, with no model declaring them', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    await openApp(page);
    // First visit: decided at once (before, a slot no model declares stayed on its fallback, undecided).
    await page.waitForSelector('[data-o2o-component="hero"][data-o2o-shown]');
    await page.waitForSelector('#banner:not([data-variant="undecided"])');
    // Which one a visitor with no signal gets is the first-visit policy's business (issue #17 point 1), not the door's;
    // the door's is that it is decided now, among the variants it described, never the phones-only one.
    expect(['default', 'running', 'camping']).toContain(await shown(page));
    const first = await page.evaluate(() => (window as unknown as { o2oDecisions: Array<{ slot: string; variant: string }> }).o2oDecisions);
    expect(first.map((d) => d.slot).sort()).toEqual(['banner', 'hero']);
    expect(['default', 'trail', 'tent']).toContain(first.find((d) => d.slot === 'banner')?.variant);

    // The visitor looks at camping gear more than running gear.
    const stored = await page.evaluate(async () => {
      const client = (window as unknown as { o2oClient: { track(name: string, props: unknown): Promise<boolean> } }).o2oClient;
      const views = [...Array(6).fill('camping'), ...Array(2).fill('running')].map((category, i) =>
        client.track('view_item', { items: [{ id: `sku-${category}-${i}`, category, price: 50 }] }),
      );
      return Promise.all(views);
    });
    expect(stored.every(Boolean)).toBe(true);

    // Next page view: camping wins the hero and the banner; `app` matches every tag but is phones only.
    await page.reload();
    await page.waitForSelector('[data-o2o-component="hero"][data-o2o-shown]');
    expect(await shown(page)).toBe('camping');
    expect(await page.locator('[data-o2o-component="hero"] h1').textContent()).toBe('Nights outside');
    await page.waitForSelector('#banner:not([data-variant="undecided"])');
    expect(await page.locator('#banner').getAttribute('data-variant')).toBe('tent');
    const hero = await page.evaluate(() => (window as unknown as { o2oClient: { decide(slot: string): { variant: string; explanation: Array<{ text: string }> } } }).o2oClient.decide('hero'));
    expect(hero.variant).toBe('camping');
    expect(hero.explanation.map((c) => c.text).join(' ')).toMatch(/camping/);

    // The debug panel's Force menu offers the variants this <Slot> renders (no model declares them).
    await page.evaluate(() => (window as unknown as { o2oClient: { debug(): void } }).o2oClient.debug());
    await page.waitForSelector('#o2o-debug >> select[data-force="hero"]');
    const options = await page.locator('#o2o-debug select[data-force="hero"] option').evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['', 'default', 'app', 'running', 'camping']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
