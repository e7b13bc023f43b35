/**
 * The debug panel in every engine: `?o2o_debug=1` on a running fan's home
 * page loads the panel, which shows the hero's decision (`running`,
 * personalized), consent and the storage mode.
 */
import { expect, it } from 'vitest';
import { heroReport, modelCached, sdkState } from './page.js';
import { describeEngines, useEngine } from './suite.js';

/** Page function: what the panel (in its shadow root) shows for the hero and the state pills, once it does. */
function panelShows(): { variant: string; group: string; consent: string; storage: string } | null {
  const root = document.getElementById('o2o-debug')?.shadowRoot;
  const variant = root?.querySelector('[data-section="decisions"] [data-slot="hero"] [data-variant]')?.textContent;
  if (!root || !variant) return null;
  const text = (selector: string): string => root.querySelector(selector)?.textContent ?? '';
  return { variant, group: text('[data-slot="hero"] [data-group]'), consent: text('[data-consent]'), storage: text('[data-storage]') };
}

describeEngines('debug panel', (engine) => {
  const env = useEngine(engine);

  it('opens with ?o2o_debug=1 and shows the decision', async () => {
    const session = await env.session();
    try {
      await session.goto(env.shop.url + '/running-shoe.html');
      await modelCached(session);
      await session.goto(env.shop.url + '/?o2o_debug=1');
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true });
      const hero = await heroReport(session);
      const panel = await session.waitFor('the debug panel with the hero decision', 10_000, panelShows);
      // The panel shows the page's decision, and for a running fan it is running, swapped in time (not `late`).
      expect(panel).toEqual({ variant: hero.shown, group: 'personalized', consent: 'consent: granted', storage: 'storage: indexeddb' });
      expect(hero).toEqual({ shown: 'running', states: ['decided'] });
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
