/**
 * The uplift report page in Chromium: the collector (development mode, no
 * admin token) serves `/report` and chart.js; the page fetches
 * `/v1/report`, says in words whether personalization pays off, draws both
 * charts and the per-slot table. Screenshots go to test-artifacts/report-page/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loggingModel, synthesize } from '../server/learn-synthetic.js';
import { describeBrowser, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const ARTIFACTS = join('test-artifacts', 'report-page');
const DAY = 86_400_000;

describeBrowser('uplift report page', () => {
  const env = useBrowserAndServer();

  it('answers the question in words and draws the charts', async () => {
    const store = env.server.store.raw;
    const now = Date.now();
    // Five days of decisions: personalized visitors click (and buy) the variant they prefer; the holdout sees the default.
    const logs = synthesize({ devices: 1200, perDevice: 3, seed: 8, start: now - 5 * DAY, model: loggingModel(0.5) });
    for (let i = 0; i < logs.length; i += 3) {
      const list = logs.slice(i, i + 3);
      const device = list[0]?.device as string;
      const holdout = device.endsWith('3') || device.endsWith('7');
      await store.appendDecisionLog({
        device, receivedAt: now - 5 * DAY + (i / logs.length) * 5 * DAY, skewMs: 0,
        decisions: list.map(({ device: _d, receivedAt: _r, outcomes: _o, ...record }) => (holdout ? { ...record, group: 'holdout' as const, variant: 'default' } : record)),
        outcomes: list.flatMap((d) => (holdout ? [] : d.outcomes.map((o) => ({ ...o, id: `${o.id}-p`, k: 'purchase' as const, v: 40 })))),
      }, { maxDecisionsPerDevice: 1000, maxOutcomesPerDecision: 16 });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await env.browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${env.server.url}/report`);
    await waitFor(() => page.evaluate(() => document.body.dataset.ready === '1'), 15_000, 'report rendered');
    const answer = await page.textContent('#answer');
    expect(answer).toMatch(/^Yes: personalization is paying off/);
    expect(await page.getAttribute('#answer', 'class')).toContain('better');
    // Both charts drew pixels (chart.js renders into the canvases' 2D contexts).
    const drawn = await page.evaluate(() => [...document.querySelectorAll('canvas')].map((c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) painted++;
      return painted;
    }));
    expect(drawn).toHaveLength(2);
    for (const painted of drawn) expect(painted).toBeGreaterThan(1000);
    const rows = await page.$$eval('#slots tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('All slots');
    expect(rows[2]).toContain('hero');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('closes the demo loop: browse as a persona, train from the persona page, the report counts the visitor', async () => {
    const store = env.server.store.raw;
    const before = (await (await fetch(`${env.server.url}/v1/report?days=1`)).json()) as { overall: { personalized: { visitors: number } } };
    const logged = await store.countDecisions(0, Date.now() + 60_000);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${env.server.url}/personas.html`);
    await page.click('a[href="/?o2o_persona=loyal-runner"]');
    await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('o2o_persona'), { timeout: 20_000 });
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    // Leaving the page flushes the decision log.
    await page.goto(`${env.server.url}/personas.html`);
    await waitFor(async () => (await store.countDecisions(0, Date.now() + 60_000)) > logged, 20_000, 'the persona’s decisions logged');
    await page.click('[data-train]');
    const said = await waitFor(async () => {
      const text = (await page.textContent('[data-train-result]')) ?? '';
      return text && !text.startsWith('Training…') ? text : undefined;
    }, 60_000, 'training result');
    expect(said).toMatch(/^(Version \d+ (promoted|kept back)|Nothing trained): .*Live model: version \d+\.$/);
    await page.click('a[href="/report"]');
    await waitFor(() => page.evaluate(() => document.body.dataset.ready === '1'), 15_000, 'report rendered');
    const after = (await (await fetch(`${env.server.url}/v1/report?days=1`)).json()) as { overall: { personalized: { visitors: number } } };
    expect(after.overall.personalized.visitors).toBe(before.overall.personalized.visitors + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-loop.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('asks for the admin token when the report needs one', async () => {
    const page = await env.browser.newPage();
    await page.route('**/v1/report*', (route) => route.fulfill({ status: 401, body: '{"ok":false,"error":"admin token required"}' }));
    await page.goto(`${env.server.url}/report`);
    await waitFor(() => page.isVisible('#login'), 10_000, 'token form');
    expect(await page.textContent('#status')).toContain('admin token');
    await page.screenshot({ path: join(ARTIFACTS, 'token.png') });
    await page.close();
  }, 30_000);
});
