/**
 * The exit-intent offer in every engine: a visitor with a full cart moves the
 * pointer up and out of the page on the cart page after the minimum time on
 * page (5 s), and the model's cart offer is shown. Chromium moves the real
 * pointer out of the viewport; WebDriver-based drivers (Firefox over BiDi,
 * WebKit) cannot move it outside the viewport, so there the real moves end at
 * the top row and the browser's `mouseout` is synthetic (a driver limitation,
 * asserted here so a change of driver shows up).
 */
import { expect, it } from 'vitest';
import type { EngineName, TopExit } from './drivers/index.js';
import { poll } from './drivers/page-call.js';
import { modelCached, sdkState, storedCounts } from './page.js';
import { describeEngines, useEngine } from './suite.js';

/** How each driver leaves through the top (see drivers/*.ts and docs/browsers.md). */
const TOP_EXIT: Record<EngineName, TopExit> = {
  chromium: 'real pointer',
  firefox: 'real moves + synthetic mouseout',
  webkit: 'real moves + synthetic mouseout',
};

/** Page function: the offer dialog's text once shown, else null. */
function offerText(): string | null {
  return document.querySelector('[data-o2o-dialog]')?.shadowRoot?.querySelector('[role="dialog"]')?.textContent ?? null;
}

describeEngines('exit-intent offer', (engine) => {
  const env = useEngine(engine);

  it('shows the cart offer when the pointer leaves through the top', async () => {
    const session = await env.session();
    try {
      await session.goto(env.shop.url + '/running-shoe.html');
      await modelCached(session);
      await session.click('.product button[data-add]');
      await poll('the cart count', 5000, async () => (await session.evaluate(() => document.querySelector('[data-cart-count]')?.textContent)) === '1');
      // The visitor has a cart once the add is durable (the scenario here is the offer, not a race
      // between an unacknowledged event and the navigation: docs/browsers.md, known limits).
      await poll('the add_to_cart stored', 5000, async () => (await session.evaluate(storedCounts, 3000)).eventNames.includes('add_to_cart'));
      await session.goto(env.shop.url + '/cart.html');
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      // Exit intent counts only after the minimum time on the page (5 s by default).
      await session.waitFor('5.2 s on the page', 15_000, () => performance.now() > 5200);
      expect(await session.exitThroughTop()).toBe(TOP_EXIT[engine.name]);
      const text = await session.waitFor('the offer dialog', 10_000, offerText);
      expect(text).toContain('Your cart is waiting');
      expect(text).toContain('STAY10');
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
