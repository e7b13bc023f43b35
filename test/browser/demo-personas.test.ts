/**
 * The persona simulator in real Chromium: each persona is replayed into a
 * fresh profile in its own browser context (own storage, own viewport) and
 * lands on its home page. At least three personas must see different heroes;
 * screenshots and the panel's words for each decision are saved under
 * `test-artifacts/personas/` (gitignored) for a human to compare.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { PERSONAS } from '../../demo/public/js/personas-data.js';
import { type BrowserContext, describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const OUT = 'test-artifacts/personas';
const VIEWPORTS = {
  mobile: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  tablet: { viewport: { width: 820, height: 1180 }, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const;

interface Seen {
  persona: string;
  hero: string;
  recommendations: string;
  heading: string;
  why: string;
}

describeBrowser('persona simulator', () => {
  const env = useBrowserAndServer({ server: { modelFile: 'test/browser/demo-qa-model.json' } });
  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
  });

  async function visit(persona: (typeof PERSONAS)[number]): Promise<Seen> {
    const context: BrowserContext = await env.browser.newContext(VIEWPORTS[persona.device]);
    const page = await context.newPage();
    const errors = watchErrors(page);
    // A first page view pulls the demo model, as a real earlier visit would have.
    await page.goto(env.server.url + '/personas.html');
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the model cached');
    await page.click(`a[href="/?o2o_persona=${persona.id}"]`);
    await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('o2o_persona'), { timeout: 20_000 });
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    await page.waitForSelector('[data-o2o-slot="recommendations"][data-o2o-state="decided"]');
    await page.waitForSelector('.persona-badge');
    await page.screenshot({ path: `${OUT}/${persona.id}.png` });
    // The panel's own words for the hero decision.
    await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
    await page.waitForSelector('#o2o-debug >> [data-slot="hero"] [data-variant]');
    const why = (await page.locator('#o2o-debug [data-slot="hero"]').innerText()).replace(/\s*Force[\s\S]*$/, '').replace(/\s+/g, ' ').trim();
    await page.screenshot({ path: `${OUT}/${persona.id}-panel.png` });
    const seen: Seen = {
      persona: persona.name,
      hero: (await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')) ?? '',
      recommendations: (await page.getAttribute('[data-o2o-slot="recommendations"]', 'data-o2o-shown')) ?? '',
      heading: (await page.textContent('[data-o2o-slot="hero"] h1'))?.trim() ?? '',
      why,
    };
    expect(errors).toEqual([]);
    await context.close();
    return seen;
  }

  it('gives at least three personas visibly different home pages', async () => {
    const seen: Seen[] = [];
    for (const persona of PERSONAS) seen.push(await visit(persona));
    writeFileSync(`${OUT}/summary.json`, JSON.stringify(seen, null, 2));
    console.info(seen.map((s) => `${s.persona}: hero ${s.hero} ("${s.heading}"), recommendations ${s.recommendations} — ${s.why}`).join('\n'));
    expect(new Set(seen.map((s) => s.heading)).size).toBeGreaterThanOrEqual(3);
    expect(seen.find((s) => s.persona.startsWith('First-time'))?.hero).toBe('default');
  });
});
