/**
 * Two service instances, each with its own store connection pool, on one
 * PostgreSQL database (a throwaway schema) against one instance on another
 * schema: the same interleaved batches (each sent twice at once, to both
 * instances), verified identities, pulls, forgets and late retries leave the
 * same state. Needs DATABASE_URL (skipped locally without it, required in CI).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { signUserId } from '../../server/credential.js';
import { isPostgresUrl, openStore } from '../../server/store/open-store.js';
import { dropSchema } from '../../server/store/postgres-store.js';
import type { CollectorStore } from '../../server/store/store.js';
import { post } from './helpers.js';

const DATABASE_URL = process.env.DATABASE_URL;
const available = isPostgresUrl(DATABASE_URL);
if (!available && !process.env.CI) console.warn('two-process test: DATABASE_URL not set, skipped (set DATABASE_URL=postgres://… to run it)');

const SECRET = 'identity-secret-two-processes-0123456789';
const DEVICES = 8;
const BATCHES = 10;
const schemas: string[] = [];
const stores: CollectorStore[] = [];
const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(stores.map((store) => store.close()));
  for (const schema of schemas) await dropSchema(DATABASE_URL as string, schema);
});

async function instances(count: number): Promise<FastifyInstance[]> {
  const schema = `o2o_service_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
  schemas.push(schema);
  const out: FastifyInstance[] = [];
  for (let i = 0; i < count; i++) {
    const store = await openStore({ databaseUrl: DATABASE_URL, dataDir: '.o2o-data', schema, maxConnections: 4 });
    stores.push(store);
    const app = buildApp({ store, writeKeys: ['site-1'], identitySecret: SECRET, rateLimits: { ip: { perMinute: 0, burst: 0 }, device: { perMinute: 0, burst: 0 } } });
    apps.push(app);
    out.push(app);
  }
  return out;
}

interface Device {
  id: string;
  key: string;
  batches: { id: string; deltas: { s: number; key: string; f: Record<string, unknown> }[] }[];
}

/** The same visitors for both runs: counters and registers that grow with s, three devices verified as one user. */
function script(): Device[] {
  return Array.from({ length: DEVICES }, (_, d) => {
    const device: Device = { id: `dev-${d}-${randomBytes(4).toString('hex')}`, key: randomBytes(32).toString('base64url'), batches: [] };
    let s = 0;
    for (let b = 0; b < BATCHES; b++) {
      const deltas = [
        { s: ++s, key: `n.view_${b % 3}`, f: { k: 'c', v: b + 1 } },
        { s: ++s, key: `a.l.cat:c${(b + d) % 4}`, f: { k: 'd', v: b + 0.5, t: 1_700_000_000_000 + s } },
        { s: ++s, key: 'u.last_page', f: { k: 'r', v: `/p/${b}`, t: 1_700_000_000_000 + s } },
      ];
      if (d < 3 && b === 4) deltas.push({ s: ++s, key: 'u.id', f: { k: 'r', v: 'user-1', t: 1_700_000_000_000 + s } }, { s: ++s, key: 'u.sig', f: { k: 'r', v: signUserId(SECRET, 'user-1'), t: 1_700_000_000_000 + s } });
      if (d === 3 && b === 4) deltas.push({ s: ++s, key: 'u.id', f: { k: 'r', v: 'user-1', t: 1_700_000_000_000 + s } }); // unverified: links nothing
      device.batches.push({ id: `${device.id}-b${b}`, deltas });
    }
    return device;
  });
}

const body = (device: Device, extra: Record<string, unknown> = {}) => ({ v: 2, device: device.id, deviceKey: device.key, writeKey: 'site-1', ...extra });

/** Runs the script against `apps`: every batch is sent twice at once (to two instances when there are two), devices interleaved. */
async function play(apps: FastifyInstance[], devices: Device[]): Promise<unknown> {
  const pick = (n: number) => apps[n % apps.length] as FastifyInstance;
  for (let b = 0; b < BATCHES; b++) {
    // Later batches of even devices go first: delivery order differs from write order.
    const round = devices.map((device, d) => (d % 2 === 0 ? device.batches[BATCHES - 1 - b] : device.batches[b]) as Device['batches'][number]);
    const sends = devices.flatMap((device, d) => [0, 1].map((copy) => post(pick(d + copy + b), '/v1/batch', body(device, { id: round[d]?.id, sentAt: Date.now(), deltas: round[d]?.deltas }))));
    const pulls = devices.map((device, d) => post(pick(d + b + 1), '/v1/profile', body(device)));
    for (const response of await Promise.all(sends)) expect(response.statusCode).toBe(200);
    for (const response of await Promise.all(pulls)) expect(response.statusCode).toBe(200);
  }
  // Forget a verified device (erases its user's three devices) and an unverified one, from different instances.
  const forgets = await Promise.all([post(pick(0), '/v1/forget', body(devices[1] as Device)), post(pick(1), '/v1/forget', body(devices[5] as Device))]);
  const erased = forgets.map((r) => (r.json() as { erased: string[] }).erased.sort());
  // Late retries of old batches of erased devices bring nothing back.
  const retries = await Promise.all([devices[0], devices[5]].map((device, i) => post(pick(i), '/v1/batch', body(device as Device, { id: device?.batches[0]?.id, sentAt: Date.now(), deltas: device?.batches[0]?.deltas }))));
  const final = await Promise.all(devices.map(async (device, d) => (await post(pick(d), '/v1/profile', body(device))).json() as { user: string | null; replica: Record<string, unknown> }));
  // Device ids are per run: compare by position.
  const index = (id: string) => devices.findIndex((device) => device.id === id);
  return {
    erased: erased.map((ids) => ids.map(index).sort()),
    retries: retries.map((r) => r.json() as unknown),
    final: final.map((pulled) => ({ user: pulled.user, replica: Object.fromEntries(Object.entries(pulled.replica).map(([id, state]) => [index(id), state])) })),
  };
}

describe.runIf(available)('two service processes on one PostgreSQL database', () => {
  it('leave the same state as one process for interleaved batches, pulls, forgets and retries', async () => {
    const devices = script();
    const two = await play(await instances(2), devices);
    const one = await play(await instances(1), devices);
    expect(two).toEqual(one);
    const { erased, final } = one as { erased: number[][]; final: { user: string | null; replica: Record<string, { fields: Record<string, unknown> }> }[] };
    expect(erased).toEqual([[0, 1, 2], [5]]);
    expect(final[3]).toMatchObject({ user: null });
    expect(Object.keys(final[3]?.replica ?? {})).toEqual(['3']);
    expect(Object.keys(final[4]?.replica['4']?.fields ?? {}).length).toBeGreaterThan(3);
    for (const d of [0, 1, 2, 5]) expect(final[d]?.replica).toEqual({});
  });
});

it.runIf(!available && process.env.CI)('CI runs the two-process test (DATABASE_URL must be set)', () => {
  expect(available, 'DATABASE_URL must name the CI PostgreSQL database').toBe(true);
});
