/**
 * Protocol v2 from the browser, in real Chromium against the real collector
 * service (`startServer()`, v1 bodies refused): the device registers once with
 * its key, every push, pull and erase carries it, a signed identify links the
 * device to its user, and a browser whose IndexedDB was wiped (Safari deletes
 * it after 7 days without a visit) gets its old device back through the
 * first-party cookie: the profile is pulled, this page's events join it, and
 * the next decision uses it.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../demo/collector/server.js';
import type { Field } from '../../src/core/field.js';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { antiFlickerCss } from '../../src/render/anti-flicker.js';
import { type Browser, type BrowserContext, type Page, describeBrowser, launchBrowser, readIndexedDb, waitFor, watchErrors } from './harness.js';

const IDENTITY_SECRET = 'test-identity-secret';
const KEY = /^[A-Za-z0-9_-]{43}$/;

interface Credential {
  device: string;
  key: string;
  registered?: boolean;
}

/** One request of the SDK to the collector, as Chromium sent it. */
interface Sent {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  answer?: Record<string, unknown>;
}

/** Records every `/v1/` request of a context with its body and JSON answer. */
function recordRequests(context: BrowserContext): Sent[] {
  const sent: Sent[] = [];
  const byRequest = new Map<unknown, Sent>();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/v1/')) return;
    const data = request.postData();
    const entry: Sent = { method: request.method(), path: url.pathname, body: data ? (JSON.parse(data) as Record<string, unknown>) : undefined };
    byRequest.set(request, entry);
    sent.push(entry);
  });
  context.on('response', async (response) => {
    const entry = byRequest.get(response.request());
    if (entry && entry.path !== '/v1/model') entry.answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  });
  return sent;
}

async function stored(page: Page): Promise<{ device?: string; credential?: Credential; fields: Record<string, Field>; remote: Record<string, { fields: Record<string, Field> }>; queue: unknown[]; model: boolean }> {
  const byKey = new Map((await readIndexedDb(page)).map(([k, v]) => [JSON.stringify(k), v]));
  return {
    device: byKey.get('"device"') as string | undefined,
    credential: byKey.get('"credential"') as Credential | undefined,
    fields: (byKey.get('"profile"') as { own: { fields: Record<string, Field> } } | undefined)?.own.fields ?? {},
    remote: (byKey.get('"profile"') as { remote: Record<string, { fields: Record<string, Field> }> } | undefined)?.remote ?? {},
    queue: [...((byKey.get('"queue"') as unknown[] | undefined) ?? []), ...((byKey.get('"outbox"') as unknown[] | undefined) ?? [])],
    model: byKey.has('"model"'),
  };
}

const registered = (page: Page, device?: string) =>
  waitFor(async () => {
    const state = await stored(page);
    return state.credential?.registered && (!device || state.credential.device === device) && state.model ? state : undefined;
  }, 15_000, 'a registered credential and the cached model');

const drained = (page: Page) => waitFor(async () => ((await stored(page)).queue.length === 0 ? true : undefined), 15_000, 'an empty queue');

const hero = async (page: Page) => {
  await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
  return page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown');
};

const counter = (fields: Record<string, Field>, key: string): number => (fields[key]?.k === 'c' ? (fields[key] as { v: number }).v : 0);

describeBrowser('protocol v2 device credential in Chromium', () => {
  let browser: Browser;
  let server: RunningServer;
  let dataDir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'o2o-credential-'));
    // No holdout or exploration, so what the hero shows depends on the profile only.
    const modelFile = join(dataDir, 'model.json');
    writeFileSync(modelFile, JSON.stringify({ ...BUILTIN_MODEL, id: 'test-deterministic', holdout: 0, explore: { ...BUILTIN_MODEL.explore, noise: 0 } }));
    [browser, server] = await Promise.all([
      launchBrowser(),
      startServer({ port: 0, dataDir, modelFile, identitySecret: IDENTITY_SECRET, staticRoots: { '/': 'demo/public', '/dist/': 'dist', '/test-pages/': 'test/pages' } }),
    ]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const newContext = async (cookiesOf?: BrowserContext): Promise<{ context: BrowserContext; page: Page; sent: Sent[]; errors: string[] }> => {
    const context = await browser.newContext();
    contexts.push(context);
    // A wiped browser keeps its cookies (the collector's HttpOnly one) and loses IndexedDB: a new context with only the cookies.
    if (cookiesOf) await context.addCookies(await cookiesOf.cookies());
    // The home page gets the documented head rule (hiding undecided slots, here for up to 5 s): without it, an async
    // script that runs after first paint on a loaded machine leaves a visible hero on its default by design, and
    // what this suite checks is the decision, not that timing.
    await context.route(
      (url) => url.pathname === '/',
      async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace('<head>', '<head><link rel="stylesheet" href="/test-pages/head-rule.css">').replace('data-write-key="demo"', 'data-write-key="demo" data-anti-flicker-ms="5000"');
        await route.fulfill({ response, body: html });
      },
    );
    await context.route('**/test-pages/head-rule.css', (route) => route.fulfill({ contentType: 'text/css', body: antiFlickerCss(5000) }));
    const sent = recordRequests(context);
    const page = await context.newPage();
    return { context, page, sent, errors: watchErrors(page) };
  };

  let first: Awaited<ReturnType<typeof newContext>>;
  let oldDevice: string;

  it('registers once with a key, then pushes, pulls (POST) and identifies with it; the collector keeps only its hash and links the signed user', async () => {
    first = await newContext();
    const { page, sent, context } = first;
    await page.goto(server.url + '/running-shoe.html');
    const state = await registered(page);
    const { device, key } = state.credential as Credential;
    oldDevice = device;
    expect(state.device).toBe(device);
    expect(key).toMatch(KEY);
    expect(sent.filter((r) => r.path === '/v1/device').map((r) => r.body)).toEqual([{ v: 2, device, deviceKey: key, writeKey: 'demo' }]);
    expect(await server.store.raw.credentialOf(device)).toBe(createHash('sha256').update(key).digest('hex'));
    // The first-party cookie names the device (the collector shares the page's origin here).
    expect((await context.cookies()).find((c) => c.name === 'o2o_dev')?.value).toMatch(new RegExp(`^${device}\\.`));

    const signature = createHmac('sha256', IDENTITY_SECRET).update('user-1').digest('hex');
    // Through the script tag's o2o() door, as a site's page would call it.
    expect(await page.evaluate((sig) => (window as unknown as { o2o(...args: unknown[]): Promise<boolean> }).o2o('identify', 'user-1', { plan: 'pro' }, { signature: sig }), signature)).toBe(true);
    await waitFor(() => sent.some((r) => r.path === '/v1/profile'), 10_000, 'the pull after identify');
    await waitFor(async () => (await server.store.raw.userOf(device)) === 'user-1', 10_000, 'the verified link');
    // More running interest, sent before leaving. (No home page here: heroes shown and ignored would teach the
    // visitor's own feedback to prefer the default, and the restore test wants the affinity alone to decide.)
    await page.goto(server.url + '/running-shoe.html');
    await page.goto(server.url + '/running-shoe.html');
    await drained(page);

    const pulls = sent.filter((r) => r.path === '/v1/profile');
    expect(pulls.every((r) => r.method === 'POST')).toBe(true);
    expect(pulls[0]?.body).toEqual({ v: 2, device, deviceKey: key, writeKey: 'demo' });
    const batches = sent.filter((r) => r.path === '/v1/batch');
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) expect(batch.body).toMatchObject({ v: 2, device, deviceKey: key });
    // Registered once across three pages; the signature travelled as the register u.sig.
    expect(sent.filter((r) => r.path === '/v1/device')).toHaveLength(1);
    expect((await server.store.device(device))?.fields['u.sig']).toMatchObject({ k: 'r', v: signature });
    // Nothing was refused.
    expect(server.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(first.errors).toEqual([]);
  });

  it('a wiped IndexedDB starts a new device; the cookie restores the old one, its profile is pulled and joined, and the next hero decision uses it', async () => {
    const before = await server.store.device(oldDevice);
    const { page, sent, errors } = await newContext(first.context);
    await page.goto(server.url + '/');
    // Registration of the new device id answers with the old device; the page adopts it with its own new key.
    const state = await registered(page, oldDevice);
    const restore = await waitFor(() => sent.find((r) => r.path === '/v1/device' && r.answer), 10_000, 'the answer to the registration');
    const fresh = restore.body?.device as string;
    expect(fresh).toMatch(/^[\w-]+$/);
    expect(fresh).not.toBe(oldDevice);
    expect(restore.body).toEqual({ v: 2, device: fresh, deviceKey: state.credential?.key, writeKey: 'demo' });
    expect(restore.answer).toEqual({ ok: true, device: oldDevice, restored: true });
    const key = state.credential?.key as string;
    expect(key).not.toBe((await stored(first.page)).credential?.key);
    expect(await server.store.raw.credentialOf(oldDevice)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(state.device).toBe(oldDevice);
    // The pulled profile plus this page's own view.
    expect(counter(state.fields, 'n.page_view')).toBe(counter(before?.fields ?? {}, 'n.page_view') + 1);
    // The running interest is the old device's (this page may have added views of running recommendations).
    expect((state.fields['a.l.cat:running'] as { v: number } | undefined)?.v).toBeGreaterThanOrEqual(0.99 * (before?.fields['a.l.cat:running'] as { v: number }).v);

    await page.goto(server.url + '/');
    // On failure the message carries the decision and the counters (a slow machine can outlast the anti-flicker wait).
    const why = async () =>
      JSON.stringify([
        await page.evaluate(() => ((o) => [o.decide('hero'), o.counters])((window as unknown as { OneToOne: { decide(s: string): unknown; counters: object } }).OneToOne)),
        Object.fromEntries(Object.entries((await stored(page)).fields).filter(([k]) => k.startsWith('b.') || k.includes('cat:') || k.startsWith('n.') || k.startsWith('u.id'))),
        sent.map((r) => r.path + ' ' + String(r.body?.device ?? '').slice(0, 4)),
      ]);
    const shown = await hero(page);
    expect(shown, shown === 'running' ? '' : await why()).toBe('running');
    await drained(page);
    // Nothing was ever stored under the abandoned id; this wiped browser's page views reached the old device.
    expect(await server.store.device(fresh)).toBeUndefined();
    expect(sent.filter((r) => r.body?.device === fresh).map((r) => r.path)).toEqual(['/v1/device']);
    const after = await waitFor(async () => {
      const remote = await server.store.device(oldDevice);
      return counter(remote?.fields ?? {}, 'n.page_view') === counter(before?.fields ?? {}, 'n.page_view') + 2 ? remote : undefined;
    }, 10_000, 'both page views at the old device');
    expect(after.fields['a.l.cat:running']).toBeDefined();
    expect(errors).toEqual([]);

    // The old browser's key no longer proves the device: its next batch is refused, counted, and its queue kept.
    await first.page.evaluate(() => (window as unknown as { OneToOne: { track(n: string): Promise<boolean> } }).OneToOne.track('newsletter_signup'));
    await first.page.evaluate(() => (window as unknown as { OneToOne: { flush(): Promise<void> } }).OneToOne.flush());
    expect(await first.page.evaluate(() => (window as unknown as { OneToOne: { counters: Record<string, number> } }).OneToOne.counters['sync:credential-refused'])).toBe(1);
    expect((await stored(first.page)).queue.length).toBeGreaterThan(0);

    // forget() proves the device with the key, erases it at the collector and clears the cookie: the next start is new.
    const restored = contexts.at(-1) as BrowserContext;
    await page.evaluate(() => (window as unknown as { OneToOne: { forget(): Promise<void> } }).OneToOne.forget());
    expect(sent.filter((r) => r.path === '/v1/forget').map((r) => r.body)).toEqual([{ v: 2, device: oldDevice, deviceKey: key, writeKey: 'demo' }]);
    expect(server.requests.filter((r) => r.path === '/v1/forget').map((r) => r.status)).toEqual([200]);
    expect(await server.store.device(oldDevice)).toBeUndefined();
    // The page goes on (consent stands) as a new device, which may already hold the cookie: never the erased one.
    expect((await restored.cookies()).find((c) => c.name === 'o2o_dev')?.value.startsWith(oldDevice + '.')).not.toBe(true);
    const next = await newContext(restored);
    await next.page.goto(server.url + '/');
    const nextState = await registered(next.page);
    expect(nextState.credential?.device).not.toBe(oldDevice);
    expect(await server.store.device(oldDevice)).toBeUndefined();
  });

  it('a signed user id joins the devices of that user; the same id unsigned reads nothing of them', async () => {
    const identify = (page: Page, user: string, signature?: string) =>
      page.evaluate(([u, sig]) => (window as unknown as { OneToOne: { identify(u: string, t?: object, o?: object): Promise<boolean> } }).OneToOne.identify(u as string, undefined, sig ? { signature: sig } : undefined), [user, signature] as const);
    const signature = createHmac('sha256', IDENTITY_SECRET).update('user-2').digest('hex');
    // A laptop: a running shopper who signs in.
    const laptop = await newContext();
    await laptop.page.goto(server.url + '/running-shoe.html');
    const laptopDevice = (await registered(laptop.page)).credential?.device as string;
    expect(await identify(laptop.page, 'user-2', signature)).toBe(true);
    await drained(laptop.page);
    await waitFor(async () => (await server.store.raw.userOf(laptopDevice)) === 'user-2', 10_000, 'the laptop linked');

    // A phone signs in as the same user: its pull brings the laptop's profile, and its hero follows it.
    const phone = await newContext();
    await phone.page.goto(server.url + '/');
    await registered(phone.page);
    expect(await identify(phone.page, 'user-2', signature)).toBe(true);
    const joined = await waitFor(async () => (await stored(phone.page)).remote[laptopDevice], 10_000, "the laptop's profile on the phone");
    // The laptop's own running interest (it may still be adding views of recommendations).
    expect(joined.fields['a.l.cat:running']).toMatchObject({ k: 'd', v: expect.any(Number) });
    expect((joined.fields['a.l.cat:running'] as { v: number }).v).toBeGreaterThanOrEqual(1);
    await phone.page.goto(server.url + '/');
    const shown = await hero(phone.page);
    expect(shown).toBe('running');

    // Someone who merely claims the user id (no signature) links nothing and pulls only their own device.
    const claimant = await newContext();
    await claimant.page.goto(server.url + '/');
    const claimantDevice = (await registered(claimant.page)).credential?.device as string;
    expect(await identify(claimant.page, 'user-2')).toBe(true);
    await drained(claimant.page);
    await waitFor(() => claimant.sent.some((r) => r.path === '/v1/profile' && r.answer), 10_000, 'the pull after identify');
    const pulls = claimant.sent.filter((r) => r.path === '/v1/profile' && r.answer);
    for (const pull of pulls) expect(Object.keys((pull.answer?.replica as object) ?? {})).toEqual(expect.not.arrayContaining([laptopDevice]));
    expect((await stored(claimant.page)).remote).toEqual({});
    expect(await server.store.raw.userOf(claimantDevice)).toBeUndefined();
    expect([...laptop.errors, ...phone.errors, ...claimant.errors]).toEqual([]);
  });
});
