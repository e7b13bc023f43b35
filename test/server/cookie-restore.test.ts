/**
 * The first-party device cookie and the restore flow of protocol v2, server
 * side (fastify inject, embedded store): a browser whose storage was wiped
 * comes back with a new device id and key, and the cookie it still carries
 * gives it back its old device.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { openStore } from '../../server/store/open-store.js';
import type { CollectorStore } from '../../server/store/store.js';
import { deviceKey, post } from './helpers.js';

const SECRET = 'cookie-secret-for-the-restore-test-0123456789';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(): Promise<{ app: FastifyInstance; store: CollectorStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-cookie-'));
  const store = await openStore({ dataDir: dir });
  const app = buildApp({ store, production: true, writeKeys: ['site-1'], cookieSecret: SECRET });
  cleanups.push(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, store };
}

/** The `name=value` part of a Set-Cookie header, as the browser sends it back. */
const cookieOf = (header: unknown): string => String(header).split(';')[0] as string;
const body = (device: string, key: string) => ({ v: 2, device, deviceKey: key, writeKey: 'site-1' });

describe('first-party device cookie', () => {
  it('is set on every proven request, Secure and HttpOnly in production, and names the device', async () => {
    const { app } = await start();
    const key = deviceKey();
    const response = await post(app, '/v1/device', body('dev-a', key));
    expect(response.headers['set-cookie']).toMatch(/^o2o_dev=dev-a\.[\w-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=34560000$/);
    const batch = await post(app, '/v1/batch', { ...body('dev-a', key), id: 'b1', sentAt: Date.now(), deltas: [] });
    expect(cookieOf(batch.headers['set-cookie'])).toBe(cookieOf(response.headers['set-cookie']));
    // A wrong key proves nothing and gets no cookie.
    const wrong = await post(app, '/v1/profile', body('dev-a', deviceKey()));
    expect([wrong.statusCode, wrong.headers['set-cookie']]).toEqual([401, undefined]);
  });

  it('restores a wiped browser to its old device, and only with a valid cookie', async () => {
    const { app, store } = await start();
    const oldKey = deviceKey();
    const first = await post(app, '/v1/device', body('dev-old', oldKey));
    const cookie = cookieOf(first.headers['set-cookie']);
    await post(app, '/v1/batch', { ...body('dev-old', oldKey), id: 'b1', sentAt: Date.now(), deltas: [{ s: 1, key: 'n.view_item', f: { k: 'c', v: 7 } }] });

    // Storage wiped: a new id and key, the cookie still there.
    const newKey = deviceKey();
    const restored = await post(app, '/v1/device', body('dev-new', newKey), { cookie });
    expect(restored.json()).toEqual({ ok: true, device: 'dev-old', restored: true });
    expect(cookieOf(restored.headers['set-cookie'])).toBe(cookie);
    // The client adopts dev-old with its new key and pulls its profile; the old key no longer works.
    const pulled = await post(app, '/v1/profile', body('dev-old', newKey));
    expect(pulled.json().replica['dev-old'].fields['n.view_item']).toEqual({ k: 'c', v: 7 });
    expect((await post(app, '/v1/profile', body('dev-old', oldKey))).statusCode).toBe(401);
    expect(await store.credentialOf('dev-new')).toBeUndefined();

    // A forged or foreign cookie restores nothing: the request registers its own device.
    const forged = await post(app, '/v1/device', body('dev-x', deviceKey()), { cookie: 'o2o_dev=dev-old.' + 'A'.repeat(43) });
    expect(forged.json()).toEqual({ ok: true, device: 'dev-x', restored: false });
  });

  it('does not restore onto a device id the request already owns, nor one that was forgotten', async () => {
    const { app } = await start();
    const key = deviceKey();
    const cookie = cookieOf((await post(app, '/v1/device', body('dev-1', key))).headers['set-cookie']);
    const otherKey = deviceKey();
    await post(app, '/v1/device', body('dev-2', otherKey));
    // dev-2 is known: a cookie for dev-1 does not move it.
    expect((await post(app, '/v1/device', body('dev-2', otherKey), { cookie })).json()).toEqual({ ok: true, device: 'dev-2', restored: false });
    // forget clears the cookie in the browser; a copy of it kept elsewhere finds nothing to restore.
    const forgot = await post(app, '/v1/forget', body('dev-1', key), { cookie });
    expect(forgot.headers['set-cookie']).toMatch(/^o2o_dev=; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=0$/);
    expect((await post(app, '/v1/device', body('dev-3', deviceKey()), { cookie })).json()).toEqual({ ok: true, device: 'dev-3', restored: false });
  });
});
