/**
 * Issue #14's attacks, each made from outside over real HTTP by someone who
 * knows only the public write key and a victim's device id, and each refused
 * by the service (production mode, embedded store). `O2O_ATTACKS_TARGET=main`
 * points the same tests at main's reference collector, where they fail: the
 * attacks work there (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signUserId } from '../../server/credential.js';
import { ADMIN_TOKEN, IDENTITY_SECRET, type Target, WRITE_KEY, startTarget } from './targets.js';

const targets: Target[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});
async function start(options: Parameters<typeof startTarget>[0] = {}): Promise<Target> {
  const target = await startTarget(options);
  targets.push(target);
  return target;
}

const EVIL = 'https://evil.example';
type Delta = { s: number; key: string; f: Record<string, unknown> };
const counter = (s: number, key: string, v: number): Delta => ({ s, key, f: { k: 'c', v } });
const register = (s: number, key: string, v: string, t = Date.now()): Delta => ({ s, key, f: { k: 'r', v, t } });

function post(target: Target, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(target.url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } });
}

/** A browser of the site: its device id and key; bodies in the target's protocol. */
class Visitor {
  readonly key = randomBytes(32).toString('base64url');
  private batches = 0;
  constructor(readonly target: Target, readonly device = 'dev-' + randomBytes(8).toString('hex')) {}

  body(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...(this.target.v2 ? { v: 2, deviceKey: this.key } : {}), device: this.device, writeKey: WRITE_KEY, ...extra };
  }

  push(deltas: Delta[]): Promise<Response> {
    return post(this.target, '/v1/batch', this.body({ id: `${this.device}-b${++this.batches}`, sentAt: Date.now(), deltas }));
  }

  /** A `POST /v1/decisions` of this device (records as given, unchecked). */
  log(decisions: unknown[], outcomes: unknown[] = [], extra: Record<string, unknown> = {}): Promise<Response> {
    return post(this.target, '/v1/decisions', this.body({ id: `${this.device}-l${++this.batches}`, sentAt: Date.now(), decisions, outcomes, ...extra }));
  }

  async pull(): Promise<{ user: string | null; replica: Record<string, { fields: Record<string, { v: unknown }> }> }> {
    const response = this.target.v2
      ? await post(this.target, '/v1/profile', this.body())
      : await fetch(`${this.target.url}/v1/profile?device=${this.device}&writeKey=${WRITE_KEY}`);
    expect(response.status).toBe(200);
    return (await response.json()) as never;
  }
}

/** A decision record as the client logs it. */
function decision(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, t: Date.now(), slot: 'hero', model: 'builtin-1', group: 'personalized', variant: 'a', candidates: ['a', 'b', 'default'], p: 0.6, pm: 'exact', f: { 'n.page_view': 2 }, cf: { a: { 'match.cat': 1 } }, ...extra };
}
const outcome = (id: string, d: string, k = 'click'): Record<string, unknown> => ({ id, d, k, t: Date.now() });

/** The answer of a decision log request. */
async function answer(response: Response): Promise<[number, unknown]> {
  return [response.status, await response.json()];
}

/** A victim with some history at the collector. */
async function victimOf(target: Target): Promise<Visitor> {
  const victim = new Visitor(target);
  expect((await victim.push([counter(1, 'n.view_item', 3), register(2, 'u.email_domain', 'example.org')])).status).toBe(200);
  return victim;
}

describe('issue #14 attacks, from outside with the write key and a device id', () => {
  it('GET /v1/received does not list device ids to anyone, nor to any origin', async () => {
    const target = await start();
    const victim = await victimOf(target);
    const direct = await fetch(target.url + '/v1/received');
    expect(await direct.text()).not.toContain(victim.device);
    expect(direct.status).toBe(404); // production without an admin token: the route does not exist
    const fromPage = await fetch(target.url + '/v1/received', { headers: { origin: EVIL } });
    expect(await fromPage.text()).not.toContain(victim.device);
    expect(fromPage.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('GET /v1/received needs the admin token when one is set', async () => {
    const target = await start({ adminToken: ADMIN_TOKEN });
    const victim = await victimOf(target);
    const anonymous = await fetch(target.url + '/v1/received');
    expect(await anonymous.text()).not.toContain(victim.device);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(target.url + '/v1/received', { headers: { authorization: 'Bearer ' + ADMIN_TOKEN.slice(0, -1) + 'z' } });
    expect(wrong.status).toBe(401);
    const admin = await fetch(target.url + '/v1/received', { headers: { authorization: 'Bearer ' + ADMIN_TOKEN } });
    expect([admin.status, await admin.text()]).toEqual([200, expect.stringContaining(victim.device)]);
    // The QA view of one device's merged state, same token.
    expect((await fetch(`${target.url}/v1/admin/device?device=${victim.device}`)).status).toBe(401);
    const state = await fetch(`${target.url}/v1/admin/device?device=${victim.device}`, { headers: { authorization: 'Bearer ' + ADMIN_TOKEN } });
    expect(await state.json()).toMatchObject({ device: victim.device, user: null, state: { fields: { 'n.view_item': { k: 'c', v: 3 } } } });
  });

  it("reading a visitor's profile with their device id gets nothing", async () => {
    const target = await start();
    const victim = await victimOf(target);
    const attacker = new Visitor(target, victim.device);
    const v1 = await fetch(`${target.url}/v1/profile?device=${victim.device}&writeKey=${WRITE_KEY}`);
    expect(await v1.text()).not.toContain('n.view_item');
    const v2 = await post(target, '/v1/profile', attacker.body());
    expect(await v2.text()).not.toContain('n.view_item');
    expect([v1.status, v2.status]).toEqual([401, 401]);
    // The victim still reads their own.
    expect((await victim.pull()).replica[victim.device]?.fields['n.view_item']?.v).toBe(3);
  });

  it("claiming someone's user id links nothing: unverified ids pull no other device", async () => {
    const target = await start();
    const victim = await victimOf(target);
    // The victim logs in: the site's server signs the user id (identify(userId, { signature })).
    expect((await victim.push([register(3, 'u.id', 'user-42'), register(4, 'u.sig', signUserId(IDENTITY_SECRET, 'user-42'))])).status).toBe(200);
    const attacker = new Visitor(target);
    expect((await attacker.push([register(1, 'u.id', 'user-42'), register(2, 'u.sig', 'f'.repeat(64))])).status).toBe(200);
    const pulled = await attacker.pull();
    expect(Object.keys(pulled.replica)).toEqual([attacker.device]);
    expect(pulled.user).toBeNull();
    expect(JSON.stringify(pulled)).not.toContain('n.view_item');
    // The verified victim is linked: their pull names the user.
    if (target.v2) expect((await victim.pull()).user).toBe('user-42');
  });

  it("pushing to someone else's device with s = 2^53-1 and a far-future time does not freeze it", async () => {
    const target = await start();
    const victim = await victimOf(target);
    const attacker = new Visitor(target, victim.device);
    const future = Date.now() + 100 * 365 * 24 * 3600 * 1000;
    const poison = await attacker.push([{ s: Number.MAX_SAFE_INTEGER, key: 'n.view_item', f: { k: 'c', v: 1e12 } }, register(Number.MAX_SAFE_INTEGER, 'u.email_domain', 'evil.example', future)]);
    expect(poison.status).toBe(401);
    // The owner's next batch still applies.
    const next = await victim.push([counter(5, 'n.view_item', 4), register(6, 'u.email_domain', 'example.com')]);
    expect(await next.json()).toMatchObject({ ok: true, applied: 2 });
    const fields = (await victim.pull()).replica[victim.device]?.fields;
    expect([fields?.['n.view_item']?.v, fields?.['u.email_domain']?.v]).toEqual([4, 'example.com']);
  });

  it('even its owner cannot freeze a device: far-future times and sequence jumps are refused (422)', async () => {
    const target = await start();
    const owner = await victimOf(target);
    const jump = await owner.push([counter(Number.MAX_SAFE_INTEGER, 'n.view_item', 9)]);
    expect([jump.status, ((await jump.json()) as { error: string }).error]).toEqual([422, expect.stringContaining('sequence step')]);
    const late = await owner.push([register(7, 'u.plan', 'gold', Date.now() + 3600_000)]);
    expect([late.status, ((await late.json()) as { error: string }).error]).toEqual([422, expect.stringContaining('in the future')]);
    expect(await (await owner.push([counter(8, 'n.view_item', 5)])).json()).toMatchObject({ applied: 1 });
  });

  it('POST /v1/forget with a device id alone erases nothing', async () => {
    const target = await start();
    const victim = await victimOf(target);
    const attacker = new Visitor(target, victim.device);
    const v1 = await post(target, '/v1/forget', { device: victim.device, writeKey: WRITE_KEY });
    const v2 = await post(target, '/v1/forget', attacker.body());
    expect([v1.status, v2.status]).toEqual([401, 401]);
    expect((await victim.pull()).replica[victim.device]?.fields['n.view_item']?.v).toBe(3);
  });

  it('one device cannot store unbounded fields (cap 1,024) nor markup in keys', async () => {
    const target = await start();
    const flooder = new Visitor(target);
    let s = 0;
    for (let batch = 0; batch < 3; batch++) {
      const response = await flooder.push(Array.from({ length: 1000 }, () => counter(++s, `n.k${s}`, 1)));
      expect(response.status).toBe(batch === 0 ? 200 : 422);
    }
    expect(Object.keys((await flooder.pull()).replica[flooder.device]?.fields ?? {}).length).toBe(1024);
    const markup = new Visitor(target);
    const hostile = await markup.push([counter(1, 'a.l.cat:<img src=x onerror=alert(1)>', 1), counter(2, 'a.l.cat:chaussures été', 1)]);
    // Left out, not refused: the SDK made the key from a site label, so a 4xx would only count a dropped batch.
    expect([hostile.status, await hostile.json()]).toEqual([200, { ok: true, id: expect.any(String), duplicate: false, applied: 1, refused: 1 }]);
    const stored = JSON.stringify(await markup.pull());
    expect(stored).not.toContain('<img');
    expect(stored).toContain('chaussures été'); // a real category name in another language syncs
  });

  it('with O2O_ASCII_KEYS only the strict key grammar is stored', async () => {
    const target = await start({ asciiKeys: true });
    const visitor = new Visitor(target);
    const response = await visitor.push([counter(1, 'a.l.cat:chaussures été', 1), counter(2, 'a.l.cat:running', 1)]);
    expect(await response.json()).toMatchObject({ ok: true, applied: 1, refused: 1 });
    expect(Object.keys((await visitor.pull()).replica[visitor.device]?.fields ?? {})).toEqual(['a.l.cat:running']);
  });

  it('one device cannot store unbounded bytes', async () => {
    const target = await start({ bounds: { maxBytes: 8 * 1024 } });
    const flooder = new Visitor(target);
    const response = await flooder.push(Array.from({ length: 100 }, (_, i) => register(i + 1, `u.t${i}`, 'x'.repeat(250))));
    expect(response.status).toBe(422);
    expect(JSON.stringify((await flooder.pull()).replica).length).toBeLessThan(9 * 1024);
  });

  it('rate limits per address and per device answer 429 with Retry-After', async () => {
    const target = await start({ rateLimits: { ip: { perMinute: 60, burst: 20 }, device: { perMinute: 60, burst: 5 } } });
    const one = new Visitor(target);
    const perDevice = await Promise.all(Array.from({ length: 8 }, () => one.push([])));
    const limited = perDevice.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    const perAddress = await Promise.all(Array.from({ length: 30 }, () => new Visitor(target).push([])));
    const statuses = perAddress.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
  });

  it('a page of another origin is refused (403); the site origin gets CORS without credentials', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const evil = await post(target, '/v1/batch', visitor.body({ id: 'b1', sentAt: Date.now(), deltas: [] }), { origin: EVIL });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const site = await post(target, '/v1/batch', visitor.body({ id: 'b2', sentAt: Date.now(), deltas: [] }), { origin: 'https://shop.example' });
    expect(site.status).toBe(200);
    expect(site.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(site.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('an unknown write key is refused', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const response = await post(target, '/v1/batch', { ...visitor.body({ id: 'b1', sentAt: Date.now(), deltas: [counter(1, 'n.x', 1)] }), writeKey: 'other-site' });
    expect(response.status).toBe(401);
  });

  it('registering a known device id with another key is refused', async () => {
    const target = await start();
    const victim = await victimOf(target);
    const attacker = new Visitor(target, victim.device);
    const response = await post(target, '/v1/device', attacker.body());
    expect([response.status, await response.json()]).toEqual([401, { ok: false, error: 'device credential mismatch' }]);
  });

  it('forget by the owner erases the devices verified as the same user and clears the cookie', async () => {
    const target = await start();
    const laptop = await victimOf(target);
    const phone = await victimOf(target);
    const stranger = await victimOf(target);
    const login = [register(3, 'u.id', 'user-7'), register(4, 'u.sig', signUserId(IDENTITY_SECRET, 'user-7'))];
    for (const device of [laptop, phone]) expect((await device.push(login)).status).toBe(200);
    expect(Object.keys((await laptop.pull()).replica).sort()).toEqual([laptop.device, phone.device].sort());
    const forgot = await post(target, '/v1/forget', laptop.body());
    expect(((await forgot.json()) as { erased: string[] }).erased.sort()).toEqual([laptop.device, phone.device].sort());
    expect(forgot.headers.get('set-cookie')).toMatch(/^o2o_dev=;.*Max-Age=0/);
    expect((await phone.pull()).replica).toEqual({});
    expect((await stranger.pull()).replica[stranger.device]).toBeDefined();
  });
});

describe('POST /v1/decisions attacks, from outside with the write key and a device id', () => {
  it("cannot write into another device's decision log, nor credit outcomes to another device's decisions", async () => {
    const target = await start();
    const victim = new Visitor(target);
    expect(await answer(await victim.log([decision('d1')]))).toEqual([200, { ok: true, decisions: 1, outcomes: 0, duplicates: 0, refused: 0 }]);
    const forger = new Visitor(target, victim.device);
    expect((await forger.log([decision('d2')], [outcome('o1', 'd1', 'purchase')])).status).toBe(401);
    // A device of the attacker's own cannot reach the victim's decision by its id: refused, not attached.
    const attacker = new Visitor(target);
    expect(await answer(await attacker.log([], [outcome('o1', 'd1', 'purchase')]))).toEqual([200, { ok: true, decisions: 0, outcomes: 0, duplicates: 0, refused: 1 }]);
    // The victim's log holds what the victim sent only: d2 is new to it and d1's first outcome is new.
    expect(await answer(await victim.log([decision('d2'), decision('d1')], [outcome('o1', 'd1')]))).toEqual([200, { ok: true, decisions: 1, outcomes: 1, duplicates: 1, refused: 0 }]);
    // Without a key, or with a device id outside the grammar: refused before the store.
    expect((await post(target, '/v1/decisions', { ...victim.body({ id: 'x', sentAt: 1, decisions: [], outcomes: [] }), deviceKey: undefined, v: undefined })).status).toBe(401);
    expect((await post(target, '/v1/decisions', victim.body({ id: 'x', sentAt: 1, decisions: [], outcomes: [], device: '../admin' }))).status).toBe(400);
    expect((await post(target, '/v1/decisions', victim.body({ id: 'x', sentAt: 1, decisions: [], outcomes: [], writeKey: 'other-site' }))).status).toBe(401);
  });

  it('refuses oversized bodies (413) and too many records (400)', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const big = await visitor.log([decision('d1', { f: { 'n.page_view': 1 }, model: 'm'.repeat(64) })], [], { pad: 'x'.repeat(15_000) });
    expect(big.status).toBe(413);
    const many = await visitor.log(Array.from({ length: 101 }, (_, i) => ({ id: `d${i}` })));
    expect([many.status, ((await many.json()) as { error: string }).error]).toEqual([400, 'decisions must be an array of at most 100']);
    const outcomes = await visitor.log([], Array.from({ length: 401 }, (_, i) => ({ id: `o${i}` })));
    expect(outcomes.status).toBe(400);
    expect(await answer(await visitor.log([decision('d1')]))).toEqual([200, { ok: true, decisions: 1, outcomes: 0, duplicates: 0, refused: 0 }]);
  });

  it('refuses prototype keys at every level and pollutes nothing', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const bodies = [
      `{"__proto__":{"polluted":1},"decisions":[],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1')).slice(0, -1)},"__proto__":{"polluted":1}}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { f: {} })).replace('"f":{}', '"f":{"__proto__":1}')}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { cf: {} })).replace('"cf":{}', '"cf":{"__proto__":{"polluted":1}}')}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { variant: 'constructor', candidates: ['constructor'], cf: { constructor: { 'match.cat': 1 } } }))}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { slot: 'prototype', cf: {} }))}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { variant: 'x', candidates: ['x'], cf: {} })).replace(/"x"/g, '"__proto__"').replace('"cf":{}', '"cf":{"__proto__":{"polluted":1}}')}],"outcomes":[]}`,
      `{"decisions":[${JSON.stringify(decision('d1', { f: { 'constructor.prototype': 1 } }))}],"outcomes":[]}`,
      `{"decisions":[],"outcomes":[{"id":"o1","d":"d1","k":"click","t":1,"__proto__":{"polluted":1}}]}`,
    ];
    for (const [i, text] of bodies.entries()) {
      const envelope = JSON.stringify(visitor.body({ id: `p${i}`, sentAt: Date.now() })).slice(0, -1);
      const response = await fetch(target.url + '/v1/decisions', { method: 'POST', body: `${envelope},${text.slice(1)}`, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
      expect([i, response.status]).toEqual([i, 400]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await answer(await visitor.log([decision('d1')]))).toEqual([200, { ok: true, decisions: 1, outcomes: 0, duplicates: 0, refused: 0 }]);
  });

  it('refuses NaN, Infinity, p = 0, p > 1 and a far-future time', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const raw = (text: string): Promise<Response> => {
      const envelope = JSON.stringify(visitor.body({ id: 'r1', sentAt: Date.now(), outcomes: [] })).slice(0, -1);
      return fetch(target.url + '/v1/decisions', { method: 'POST', body: `${envelope},"decisions":[${text}]}`, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    };
    const text = JSON.stringify(decision('d1'));
    expect((await raw(text.replace('"p":0.6', '"p":NaN'))).status).toBe(400); // not JSON
    expect((await raw(text.replace('"p":0.6', '"p":1e999'))).status).toBe(400); // JSON.parse gives Infinity
    expect((await raw(text.replace('"n.page_view":2', '"n.page_view":-1e999'))).status).toBe(400);
    expect((await raw(text.replace(/"t":\d+/, '"t":1e999'))).status).toBe(400);
    for (const p of [0, -0.5, 1.0000001]) expect((await visitor.log([decision('d1', { p })])).status).toBe(400);
    const late = await visitor.log([decision('d1', { t: Date.now() + 3600_000 })]);
    expect([late.status, ((await late.json()) as { error: string }).error]).toEqual([422, expect.stringContaining('in the future')]);
    expect((await visitor.log([decision('d1')], [{ ...outcome('o1', 'd1', 'purchase'), v: -5 }])).status).toBe(400);
    expect((await visitor.log([decision('d1', { variant: 'c' })])).status).toBe(400); // chosen variant not among the candidates
    expect(await answer(await visitor.log([decision('d1', { p: 1 })]))).toEqual([200, { ok: true, decisions: 1, outcomes: 0, duplicates: 0, refused: 0 }]);
  });

  it('one device cannot flood the decision log past its bound, nor a decision past its outcome bound', async () => {
    const target = await start({ bounds: { maxDecisionsPerDevice: 150, maxOutcomesPerDecision: 3 } });
    const flooder = new Visitor(target);
    // Small records, so 100 fit in the 15,000-byte body.
    const page = (from: number) => Array.from({ length: 100 }, (_, i) => decision(`d${from + i}`, { slot: 's', model: 'm', variant: 'a', candidates: ['a'], f: {}, cf: {} }));
    expect(await answer(await flooder.log(page(0)))).toEqual([200, { ok: true, decisions: 100, outcomes: 0, duplicates: 0, refused: 0 }]);
    expect(await answer(await flooder.log(page(100)))).toEqual([200, { ok: true, decisions: 50, outcomes: 0, duplicates: 0, refused: 50 }]);
    expect(await answer(await flooder.log(page(200)))).toEqual([200, { ok: true, decisions: 0, outcomes: 0, duplicates: 0, refused: 100 }]);
    const clicks = Array.from({ length: 10 }, (_, i) => outcome(`o${i}`, 'd0'));
    expect(await answer(await flooder.log([], clicks))).toEqual([200, { ok: true, decisions: 0, outcomes: 3, duplicates: 0, refused: 7 }]);
    // Another device is not affected by the flooder's bound.
    expect(await answer(await new Visitor(target).log([decision('d0')]))).toEqual([200, { ok: true, decisions: 1, outcomes: 0, duplicates: 0, refused: 0 }]);
  });

  it('is rate limited per device (429 with Retry-After), on its own budget', async () => {
    const target = await start({ rateLimits: { decisions: { perMinute: 60, burst: 5 } } });
    const one = new Visitor(target);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => one.log([decision(`d${i}`)])));
    const limited = responses.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(responses.filter((r) => r.status === 200).length).toBe(5);
    // The profile routes keep their own budget.
    expect((await one.push([counter(1, 'n.x', 1)])).status).toBe(200);
  });

  it('a page of another origin is refused (403); the site origin gets CORS', async () => {
    const target = await start();
    const visitor = new Visitor(target);
    const body = visitor.body({ id: 'c1', sentAt: Date.now(), decisions: [decision('d1')], outcomes: [] });
    const evil = await post(target, '/v1/decisions', body, { origin: EVIL });
    expect([evil.status, evil.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    const site = await post(target, '/v1/decisions', body, { origin: 'https://shop.example' });
    expect([site.status, site.headers.get('access-control-allow-origin')]).toEqual([200, 'https://shop.example']);
  });
});
