// The collector service speaks protocol v2 (docs/protocol.md): register, push, pull, forget, model, health.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { V2_REQUIRED } from '../../server/validate.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../server/store/open-store.js';
import type { CollectorStore } from '../../server/store/store.js';
import { deviceKey, post } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fresh embedded store in a temporary folder, removed after the test. */
async function freshStore(): Promise<CollectorStore> {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-protocol-'));
  const store = await openStore({ dataDir: dir });
  cleanups.push(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function start(options: Partial<Parameters<typeof buildApp>[0]> = {}): Promise<{ app: FastifyInstance; store: CollectorStore }> {
  const store = await freshStore();
  const app = buildApp({ store, writeKeys: ['site-1'], ...options });
  cleanups.unshift(() => app.close());
  return { app, store };
}

const counter = (s: number, key: string, v: number) => ({ s, key, f: { k: 'c', v } });

describe('protocol v2', () => {
  it('registers a device, applies a batch once, pulls it back and forgets it', async () => {
    const { app, store } = await start();
    const key = deviceKey();
    const device = { v: 2, device: 'dev-1', deviceKey: key, writeKey: 'site-1' };
    const registered = await post(app, '/v1/device', device);
    expect([registered.statusCode, registered.json()]).toEqual([200, { ok: true, device: 'dev-1', restored: false }]);
    expect(registered.headers['set-cookie']).toMatch(/^o2o_dev=dev-1\.[\w-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=34560000$/);
    expect(await store.credentialOf('dev-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.credentialOf('dev-1')).not.toContain(key);

    const batch = { ...device, id: 'b1', sentAt: Date.now(), seq: [1, 2], deltas: [counter(1, 'n.x', 1), counter(2, 'n.y', 2)] };
    expect((await post(app, '/v1/batch', batch)).json()).toEqual({ ok: true, id: 'b1', duplicate: false, applied: 2 });
    expect((await post(app, '/v1/batch', batch)).json()).toEqual({ ok: true, id: 'b1', duplicate: true, applied: 0 });

    const pulled = await post(app, '/v1/profile', device);
    expect(pulled.json()).toEqual({ device: 'dev-1', user: null, replica: { 'dev-1': { seq: 2, fields: { 'n.x': { k: 'c', v: 1 }, 'n.y': { k: 'c', v: 2 } } } } });

    const forgot = await post(app, '/v1/forget', device);
    expect(forgot.json()).toEqual({ ok: true, erased: ['dev-1'] });
    expect(forgot.headers['set-cookie']).toContain('Max-Age=0');
    expect(await store.device('dev-1')).toBeUndefined();
  });

  it('registers on the first batch (trust on first use) and is idempotent for the same key', async () => {
    const { app } = await start();
    const key = deviceKey();
    const batch = { v: 2, device: 'dev-2', deviceKey: key, writeKey: 'site-1', id: 'b1', sentAt: Date.now(), deltas: [counter(1, 'n.x', 1)] };
    expect((await post(app, '/v1/batch', batch)).statusCode).toBe(200);
    expect((await post(app, '/v1/device', { v: 2, device: 'dev-2', deviceKey: key, writeKey: 'site-1' })).json()).toEqual({ ok: true, device: 'dev-2', restored: false });
  });

  it('answers v1 clients 401 with the v2 message, and GET /v1/profile too', async () => {
    const { app } = await start();
    const v1 = await post(app, '/v1/batch', { id: 'b1', device: 'dev-1', sentAt: 1, writeKey: 'site-1', deltas: [] });
    expect([v1.statusCode, v1.json()]).toEqual([401, { ok: false, error: V2_REQUIRED }]);
    const pull = await app.inject({ method: 'GET', url: '/v1/profile?device=dev-1&writeKey=site-1' });
    expect([pull.statusCode, pull.json()]).toEqual([401, { ok: false, error: V2_REQUIRED }]);
    expect((await post(app, '/v1/forget', { device: 'dev-1', writeKey: 'site-1' })).statusCode).toBe(401);
  });

  it('POST /v1/decisions stores decisions with their outcomes once, answers the counts, and forget erases them', async () => {
    const { app, store } = await start();
    const device = { v: 2, device: 'dev-d', deviceKey: deviceKey(), writeKey: 'site-1' };
    const t = Date.now();
    const decision = { id: 'd1', t, slot: 'hero', model: 'builtin-1', group: 'personalized', variant: 'b', candidates: ['a', 'b', 'default'], p: 0.3, pm: 'estimated', pe: 0.02, f: { 'n.page_view': 4, 'a.l.cat:chaussures été': 1, 'a.l.cat:<b>': 1 }, cf: { b: { 'match.cat': 1 } } };
    const body = { ...device, id: 'log-1', sentAt: t + 1000, decisions: [decision], outcomes: [{ id: 'o1', d: 'd1', k: 'purchase', v: 19.9, t: t + 5 }, { id: 'o2', d: 'd1', k: 'click', t: t + 1 }] };
    const first = await post(app, '/v1/decisions', body);
    expect([first.statusCode, first.json()]).toEqual([200, { ok: true, decisions: 1, outcomes: 2, duplicates: 0, refused: 0 }]);
    expect(first.headers['set-cookie']).toMatch(/^o2o_dev=dev-d\./);
    expect((await post(app, '/v1/decisions', { ...body, id: 'log-2' })).json()).toEqual({ ok: true, decisions: 0, outcomes: 0, duplicates: 3, refused: 0 });
    const { rows } = await store.scanDecisions({ since: 0, until: Date.now() + 1, limit: 10 });
    // Stored as sent, except the feature whose name carries markup (left out, as batch keys are); outcomes by time.
    expect(rows).toEqual([{ ...decision, f: { 'n.page_view': 4, 'a.l.cat:chaussures été': 1 }, device: 'dev-d', receivedAt: expect.any(Number), outcomes: [body.outcomes[1], body.outcomes[0]] }]);
    expect(rows[0]?.receivedAt).toBeGreaterThanOrEqual(t);
    expect((await post(app, '/v1/decisions', { ...body, decisions: [{ ...decision, extra: 1 }] })).json()).toEqual({ ok: false, error: 'decisions[0] has unknown field "extra"' });
    expect((await post(app, '/v1/decisions', { ...body, decisions: [], outcomes: [], pad: 'x'.repeat(16_000) })).statusCode).toBe(413);
    expect((await post(app, '/v1/decisions', { ...body, deviceKey: deviceKey() })).statusCode).toBe(401);
    expect((await post(app, '/v1/forget', device)).json()).toEqual({ ok: true, erased: ['dev-d'] });
    expect(await store.countDecisions(0, Date.now() + 1)).toBe(0);
  });

  it('refuses production without write keys or cookie secret', async () => {
    const store = await freshStore();
    expect(() => buildApp({ store, production: true, writeKeys: 'any', cookieSecret: 's'.repeat(32) })).toThrow(/write keys/);
    expect(() => buildApp({ store, production: true, writeKeys: ['k'] })).toThrow(/cookie secret/);
  });

  it('serves the model with an ETag and 304, health and readiness', async () => {
    const { app, store } = await start();
    const model = await app.inject({ method: 'GET', url: '/v1/model' });
    expect(model.statusCode).toBe(200);
    const etag = model.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect((await app.inject({ method: 'GET', url: '/v1/model', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ ok: true, store: 'sqlite' });
    await store.close();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });

  it('answers CORS preflights for allowed origins only, and serves static roots without escaping them', async () => {
    const { app } = await start({ allowedOrigins: ['https://shop.example'], staticRoots: { '/': 'demo/public' } });
    const preflight = (origin: string) => app.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight('https://shop.example');
    expect([allowed.statusCode, allowed.headers['access-control-allow-origin'], allowed.headers['access-control-allow-credentials']]).toEqual([204, 'https://shop.example', undefined]);
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const page = await app.inject({ method: 'GET', url: '/' });
    expect([page.statusCode, page.headers['content-security-policy']]).toEqual([200, expect.stringContaining("script-src 'self'")]);
    for (const url of ['/%2e%2e/package.json', '/..%2fpackage.json', '/../package.json']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
  });

  it('answers 400 for bad JSON and 413 for an oversized body, changing nothing', async () => {
    const { app, store } = await start();
    expect((await app.inject({ method: 'POST', url: '/v1/batch', payload: '{not json', headers: { 'content-type': 'text/plain;charset=UTF-8' } })).statusCode).toBe(400);
    const big = await app.inject({ method: 'POST', url: '/v1/batch', payload: 'x'.repeat(300 * 1024), headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(big.statusCode).toBe(413);
    expect(await store.countDevices()).toBe(0);
  });
});
