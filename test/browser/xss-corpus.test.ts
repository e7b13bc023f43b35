/**
 * The XSS corpus (test/data/xss-payloads.json, 100+ known payloads) pushed
 * through every path that renders content, in Chromium, under the demo's
 * strict CSP (`script-src 'self'`, no unsafe-inline/eval) plus
 * `require-trusted-types-for 'script'`: offer content from a model served by
 * the collector (through parseModel, decideOffer and real exit intent), the
 * dialog renderer fed raw payloads (title, body, code, action label and URL,
 * image), slots added with payload names, variant ids and tags, the preview
 * parameter, and the debug panel showing payload event names, properties and
 * preview pairs. Every payload calls `window.__xss(n)`; the test records
 * those calls, any JS dialog and every `securitypolicyviolation`, and checks
 * what was rendered: payload text stays text. A control proves the detectors
 * fire when markup is injected.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import corpus from '../data/xss-payloads.json';
import { type BrowserContext, type Page, describeBrowser, readIndexedDb, startTestServer, useBrowserAndServer, waitFor } from './harness.js';

const PAYLOADS = corpus.payloads.map((p, i) => p.replaceAll('XSS()', `__xss(${i})`));
const PAGE = '/test-pages/xss-page.html';
const fit = (p: string, max: number, or: string): string => (p.length <= max ? p : or);

/** A model whose offer carries payloads in every field parseModel accepts them in. */
function hostileModel(payload: string, origin: string): unknown {
  return {
    version: 1, id: 'xss', bias: 0, weights: {}, holdout: 0, explore: { prior: 20, noise: 0 }, slots: {},
    offers: [{ id: 'x', tags: [], bias: 9, content: { title: fit(payload, 120, 'T'), body: payload, code: fit(payload, 40, 'C'), image: `${origin}/img/${payload}`, action: { label: fit(payload, 60, 'Go'), url: '/' + payload.replace(/^\/+/, '') } } }],
  };
}

type Probe = { calls: unknown[]; violations: string[] };
function instrument(): void {
  const w = window as unknown as Probe & { __xss(n: unknown): void };
  w.calls = [];
  w.violations = [];
  w.__xss = (n) => w.calls.push(n);
  document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
}
const probe = (page: Page): Promise<Probe> => page.evaluate(() => { const w = window as unknown as Probe; return { calls: w.calls, violations: w.violations }; });

/** Everything rendered under shadow roots and `root` that could run code: tags outside the allow-list, on* attributes, non-http(s) URLs. */
function dangerous(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const SAFE = new Set(['DIV', 'SPAN', 'P', 'H1', 'H2', 'H3', 'H4', 'B', 'I', 'STRONG', 'EM', 'SMALL', 'CODE', 'PRE', 'A', 'BUTTON', 'IMG', 'UL', 'OL', 'LI', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TD', 'TH', 'SECTION', 'HEADER', 'FOOTER', 'NAV', 'LABEL', 'INPUT', 'SELECT', 'OPTION', 'DETAILS', 'SUMMARY', 'DL', 'DT', 'DD', 'TEMPLATE', 'STYLE', 'BR', 'HR', 'METER', 'PROGRESS', 'SVG', 'PATH', 'RECT', 'TEXT', 'LINE', 'G', 'CIRCLE', 'POLYLINE']);
    const found: string[] = [];
    const walk = (root: ParentNode): void => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (!SAFE.has(el.tagName.toUpperCase())) found.push(`<${el.tagName}>`);
        for (const a of Array.from(el.attributes)) {
          if (/^on/i.test(a.name) || a.name === 'srcdoc') found.push(`${el.tagName}[${a.name}]`);
          if (/^(href|src|action|formaction|xlink:href|data)$/i.test(a.name) && !/^https?:/i.test(new URL(a.value, location.href).protocol)) found.push(`${el.tagName}[${a.name}=${a.value}]`);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    document.querySelectorAll(sel).forEach((el) => walk(el.shadowRoot ?? el));
    return found;
  }, selector);
}

describeBrowser('XSS corpus in Chromium under strict CSP and Trusted Types', () => {
  let context: BrowserContext;
  const jsDialogs: string[] = [];
  const env = useBrowserAndServer({
    server: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'o2o-xss-'));
      // The offer image must be same-origin to pass the demo CSP's img-src 'self': take a free port first.
      const probeServer = await startTestServer();
      const port = Number(new URL(probeServer.url).port);
      await probeServer.dispose();
      writeFileSync(join(dir, 'model.json'), JSON.stringify(hostileModel(PAYLOADS.find((p) => p.includes('onerror')) as string, `http://127.0.0.1:${port}`)));
      return startTestServer({ port, modelFile: join(dir, 'model.json') });
    },
  });
  // A fresh context per test: each starts from an empty IndexedDB (the model pull of one test never races another's).
  beforeEach(async () => {
    await context?.close();
    context = await env.browser.newContext();
    await context.addInitScript(instrument);
  });

  async function open(query = ''): Promise<Page> {
    const page = await context.newPage();
    page.on('dialog', (d) => (jsDialogs.push(d.message()), void d.dismiss()));
    await page.goto(env.server.url + PAGE + query);
    await page.waitForFunction(() => (window as unknown as { OneToOne?: { ready: Promise<void> } }).OneToOne?.ready.then(() => true));
    return page;
  }

  /** A page on which the collector's model (with its offer) is cached and in use. */
  async function openWithModel(): Promise<Page> {
    const page = await open();
    await waitFor(async () => (await readIndexedDb(page)).some(([k]) => k === 'model'), 10_000, 'the model cached');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { OneToOne?: { ready: Promise<void> } }).OneToOne?.ready.then(() => true));
    return page;
  }

  /**
   * Real exits through the top until `shown` holds in the page. Two things depend on the machine's load,
   * not on the SDK. `ready` means the slots are decided; the exit-intent watcher comes with the second
   * stage, loaded after that, so a first exit can come before anything listens (seen under load: the stage
   * not yet loaded when the exit began), hence each try waits on the dialog before the next. And exit intent
   * needs 0.2 px/ms upward between the last two mousemoves: a six-step move (49 px a step) falls under it
   * when one step takes more than 245 ms to dispatch (up to 181 ms seen with two CPU burners at load
   * average 13), so the exit is one fast flick, 500 px in one mousemove, as a hand heading for the tab strip.
   */
  async function exitUntil(page: Page, shown: () => boolean): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.mouse.move(300, 500);
      await page.mouse.move(300, 1);
      await page.mouse.move(300, -20);
      const appeared = await page.waitForFunction(shown, undefined, { timeout: 2000 }).then(() => true, () => false);
      if (appeared) return;
      if (Date.now() > deadline) throw new Error('no offer dialog after real exits through the top for 30 s');
    }
  }

  it(`the detectors fire on injected markup (control)`, async () => {
    const page = await open();
    await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=__xss("control")>');
      } catch {
        // Trusted Types refuse the string: that refusal is the violation we expect.
      }
    });
    await waitFor(async () => (await probe(page)).violations.length > 0, 3000, 'a violation');
    expect((await probe(page)).violations.join()).toMatch(/require-trusted-types-for/);
    await page.close();
  });

  it('offer content from the collector model: parsed, chosen and shown on real exit intent, as text', async () => {
    const page = await openWithModel();
    await exitUntil(page, () => !!document.querySelector('[data-o2o-dialog]')?.shadowRoot?.querySelector('[role="dialog"]'));
    expect(await page.locator('[data-o2o-dialog] #m').textContent()).toContain('onerror');
    expect(await dangerous(page, '[data-o2o-dialog]')).toEqual([]);
    expect(await probe(page)).toEqual({ calls: [], violations: [] });
    await page.close();
  });

  it(`the dialog renderer shows all ${PAYLOADS.length} payloads in every field as text, with no execution or violation`, async () => {
    const page = await openWithModel();
    await exitUntil(page, () => typeof (window as unknown as { OneToOneDialog?: unknown }).OneToOneDialog === 'function');
    await page.evaluate(() => (document.querySelector('[data-o2o-dialog]')?.shadowRoot?.querySelector('.x') as HTMLElement | undefined)?.click());
    const problems: string[] = [];
    for (const payload of PAYLOADS) {
      const text = await page.evaluate((p) => {
        const open = (window as unknown as { OneToOneDialog: (c: unknown, e: unknown) => void }).OneToOneDialog;
        // Images resolving to another host would trip the CSP's img-src 'self' (the site's policy, not script):
        // those payloads stay on this origin here; safeUrl's unit test covers them raw.
        const image = /^\s*[/\\]{2}|^\/\\/.test(p) ? '/img' + p : p;
        open({ title: p, body: p, code: p, image, action: { label: p, url: p } }, { closed() {}, clicked() {} });
        const hosts = document.querySelectorAll('[data-o2o-dialog]');
        const root = hosts[0]?.shadowRoot;
        return [hosts.length, root?.querySelector('#t')?.textContent, root?.querySelector('#m')?.textContent, root?.querySelector('.c')?.textContent];
      }, payload);
      if (text.join('\n') !== [1, payload, payload, payload].join('\n')) problems.push(`text changed: ${payload} → ${JSON.stringify(text)}`);
      problems.push(...(await dangerous(page, '[data-o2o-dialog]')).map((d) => `${d} from ${payload}`));
      // The close button: the dialog's own way out (Escape needs focus inside, which an effect moves after paint).
      await page.evaluate(() => (document.querySelector('[data-o2o-dialog]')?.shadowRoot?.querySelector('.x') as HTMLElement).click());
    }
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    expect(await probe(page)).toEqual({ calls: [], violations: [] });
    await page.close();
  });

  it('slots added with payload names, variant ids and tags, and payload events, decided and shown in the debug panel as text', async () => {
    const page = await open();
    await page.evaluate((payloads) => {
      const o2o = (window as unknown as { OneToOne: { track(n: string, p: unknown): void } }).OneToOne;
      for (const p of payloads) {
        const slot = document.createElement('div');
        slot.setAttribute('data-o2o-slot', p);
        const t = document.createElement('template');
        t.setAttribute('data-o2o-variant', p);
        t.setAttribute('data-o2o-tags', p);
        slot.append('default', t);
        document.body.append(slot);
        o2o.track(p.slice(0, 40), { [p.slice(0, 30)]: p, items: [{ id: p, name: p, category: p }] } as never);
        (window as unknown as { dataLayer: unknown[] }).dataLayer ??= [];
        (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: p, item_name: p, item_category: p }] } });
      }
    }, PAYLOADS);
    await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
    // The panel loads under Trusted Types through the `onetoone` policy and shows the payload events as text.
    await page.waitForFunction((p) => document.getElementById('o2o-debug')?.shadowRoot?.textContent?.includes(p) ?? false, (PAYLOADS[0] ?? '').slice(0, 40), { timeout: 10_000 });
    await page.waitForTimeout(1000);
    expect(await dangerous(page, 'body')).toEqual([]);
    expect(await probe(page)).toEqual({ calls: [], violations: [] });
    await page.close();
  });

  it('the preview parameter with payload slot and variant ids, with the debug panel open', async () => {
    for (let i = 0; i < PAYLOADS.length; i += 25) {
      const pairs = PAYLOADS.slice(i, i + 25).map((p, j) => (j % 2 ? `hero:${p}` : `${p}:${p}`)).join(',');
      const page = await open('?o2o_debug=1&o2o_preview=' + encodeURIComponent(pairs));
      await page.waitForFunction(() => !!document.getElementById('o2o-debug')?.shadowRoot?.textContent, undefined, { timeout: 10_000 });
      expect(await page.getAttribute('[data-o2o-slot=hero]', 'data-o2o-shown')).toMatch(/^(default|running)$/);
      expect(await dangerous(page, 'body')).toEqual([]);
      expect(await probe(page)).toEqual({ calls: [], violations: [] });
      await page.close();
    }
    expect(jsDialogs).toEqual([]);
  });
});
