/**
 * Issue #17 point 1 in real Chromium: brand-new visitors on the demo shop's
 * home page see the hero's default, as the persona page promises and the
 * panel says, under the built-in model's exploration (noise 0.1). Before the
 * fix, every candidate tied and the Thompson draw showed a random hero.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { describeBrowser, startTestServer, useBrowserAndServer, watchErrors } from './harness.js';

describeBrowser('first visit', () => {
  const env = useBrowserAndServer({
    // The built-in model as served (exploration on) without the holdout, so the default is the model's choice, not the holdout's.
    server: async () => {
      const server = await startTestServer();
      const file = join(server.dataDir, 'explore-model.json');
      writeFileSync(file, JSON.stringify({ ...BUILTIN_MODEL, id: 'builtin-explore', holdout: 0 }));
      await server.dispose();
      return startTestServer({ modelFile: file });
    },
  });

  it('fresh browsers get the default hero, not explored, and the panel agrees', async () => {
    const shown: Array<{ variant: string; explored: boolean; group: string; why: string }> = [];
    for (let i = 0; i < 6; i++) {
      const context = await env.browser.newContext();
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(env.server.url + '/');
      await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
      const decision = await page.evaluate(() => (window as unknown as { OneToOne: { decide(s: string): { variant: string; explored: boolean; group: string } } }).OneToOne.decide('hero'));
      await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
      await page.waitForSelector('#o2o-debug >> [data-slot="hero"] [data-variant]');
      const why = (await page.locator('#o2o-debug [data-slot="hero"]').innerText()).replace(/\s+/g, ' ');
      shown.push({ variant: (await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')) ?? '', explored: decision.explored, group: decision.group, why });
      expect(errors).toEqual([]);
      await context.close();
    }
    // The first page of a new visitor decides with the built-in model (the served one is pulled for the next page).
    expect(shown.map((s) => s.variant)).toEqual(Array(6).fill('default'));
    expect(shown.every((s) => !s.explored)).toBe(true);
    for (const s of shown.filter((x) => x.group === 'personalized')) expect(s.why).not.toMatch(/shown to learn/);
  });
});
