/**
 * Device class in Chromium under device emulation. Emulated phones and
 * tablets keep the desktop User-Agent (and Client Hints say mobile: false),
 * which is how a 390 px touch viewport used to come out as `desktop`; the
 * class now also follows the pointer, touch and the screen's short side.
 */
import { expect, it } from 'vitest';
import { type Browser, describeBrowser, useBrowserAndServer } from './harness.js';

type Emulation = Parameters<Browser['newContext']>[0];
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const cases: Array<[string, Emulation, string]> = [
  ['phone, desktop User-Agent (the reported bug)', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }, 'mobile'],
  ['phone in landscape', { viewport: { width: 844, height: 390 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }, 'mobile'],
  ['phone with its own User-Agent', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: IPHONE_UA }, 'mobile'],
  ['tablet, desktop User-Agent', { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, 'tablet'],
  ['tablet in landscape', { viewport: { width: 1180, height: 820 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, 'tablet'],
  ['desktop', { viewport: { width: 1280, height: 800 } }, 'desktop'],
  ['narrow desktop window', { viewport: { width: 390, height: 700 } }, 'desktop'],
];

describeBrowser('device class in Chromium', () => {
  const env = useBrowserAndServer();

  it.each(cases)('%s', async (_label, emulation, expected) => {
    const context = await env.browser.newContext(emulation);
    const page = await context.newPage();
    await page.goto(env.server.url + '/test-pages/collect-shop.html');
    await page.waitForFunction(() => (window as unknown as { OneToOne?: unknown }).OneToOne !== undefined);
    const device = await page.evaluate(async () => {
      const o2o = (window as unknown as { OneToOne: { ready: Promise<void>; context(): { device?: string } | undefined } }).OneToOne;
      await o2o.ready;
      return o2o.context()?.device;
    });
    expect(device).toBe(expected);
    await context.close();
  });
});
