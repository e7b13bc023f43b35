/**
 * Learning through the service (real SQLite store, fastify inject): the
 * registry's version 1, training and promotion, the served version and its
 * ETag, rollback, the report JSON and page, and the admin token on all of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import type { TrainingRunResult } from '../../server/learn/training-run.js';
import type { UpliftReport } from '../../server/report/uplift.js';
import { isPostgresUrl, openStore } from '../../server/store/open-store.js';
import { dropSchema } from '../../server/store/postgres-store.js';
import type { CollectorStore } from '../../server/store/store.js';
import { parseModel } from '../../src/core/model.js';
import { loggingModel, synthesize } from './learn-synthetic.js';

const TOKEN = 'learn-routes-admin-token-0123456789abcdef';
const DAY = 86_400_000;
const auth = { authorization: `Bearer ${TOKEN}` };

const DATABASE_URL = process.env.DATABASE_URL;
/** The embedded store, and PostgreSQL (a throwaway schema) when DATABASE_URL is set. */
const stores: Array<[string, (dir: string) => Promise<{ store: CollectorStore; dispose(): Promise<void> }>]> = [
  ['sqlite', async (dir) => ({ store: await openStore({ dataDir: dir, durability: 'normal' }), dispose: async () => undefined })],
];
if (isPostgresUrl(DATABASE_URL)) {
  stores.push(['postgres', async (dir) => {
    const schema = `o2o_learn_${process.pid}_${Date.now().toString(36)}`;
    return { store: await openStore({ databaseUrl: DATABASE_URL, dataDir: dir, schema }), dispose: () => dropSchema(DATABASE_URL, schema) };
  }]);
}

describe.each(stores)('learning routes (%s)', (_kind, open) => {
  let dir: string;
  let store: CollectorStore;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  const now = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'o2o-learn-'));
    const modelFile = join(dir, 'model.json');
    const site = { ...loggingModel(1), holdout: 0.2 };
    writeFileSync(modelFile, JSON.stringify(site));
    ({ store, dispose } = await open(dir));
    // Three days of logs from established devices, appended as the decision route would.
    const logs = synthesize({ devices: 2500, perDevice: 4, seed: 21, start: now - 5 * DAY, model: site });
    const byDevice = new Map<string, typeof logs>();
    for (const d of logs) byDevice.set(d.device, [...(byDevice.get(d.device) ?? []), d]);
    for (const [device, list] of byDevice) {
      const holdout = device.endsWith('7');
      await store.appendDecisionLog({
        device, receivedAt: now - 3 * DAY, skewMs: 0,
        decisions: list.map(({ device: _d, receivedAt: _r, outcomes: _o, ...record }) => (holdout ? { ...record, group: 'holdout' as const, variant: 'default' } : record)),
        outcomes: list.flatMap((d) => d.outcomes.concat(!holdout && d.outcomes.length && d.variant === 'b' ? [{ id: `${d.id}-p`, d: d.id, k: 'purchase' as const, v: 50, t: d.t }] : [])),
      }, { maxDecisionsPerDevice: 1000, maxOutcomesPerDecision: 16 });
    }
    app = buildApp({ store, modelFile, adminToken: TOKEN, learning: { now: () => now } });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await dispose?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the model file as version 1 with its ETag', async () => {
    const first = await app.inject({ method: 'GET', url: '/v1/model' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-o2o-model-version']).toBe('1');
    const body = JSON.parse(first.body) as { release: { version: number; source: { kind: string } } };
    expect(body.release).toMatchObject({ version: 1, source: { kind: 'file' } });
    expect(parseModel(first.body).ok).toBe(true);
    const again = await app.inject({ method: 'GET', url: '/v1/model', headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('refuses the admin routes without the token', async () => {
    for (const [method, url] of [['POST', '/v1/admin/train'], ['POST', '/v1/admin/rollback'], ['GET', '/v1/report'], ['GET', '/v1/admin/models']] as const) {
      expect((await app.inject({ method, url })).statusCode).toBe(401);
    }
  });

  it('trains, promotes a better model, serves it, and rolls back', async () => {
    const trained = await app.inject({ method: 'POST', url: '/v1/admin/train', headers: auth });
    expect(trained.statusCode).toBe(200);
    const result = JSON.parse(trained.body) as TrainingRunResult;
    expect(result.version).toBe(2);
    expect(result.evaluation?.decisions).toBeGreaterThan(500);
    expect(result.reason).toMatch(/^better with confidence/);
    expect(result.promoted).toBe(true);
    const served = await app.inject({ method: 'GET', url: '/v1/model' });
    const doc = JSON.parse(served.body) as { id: string; release: { version: number; source: { kind: string; parent: number; decisions: number } } };
    expect(doc.release).toMatchObject({ version: 2, source: { kind: 'trainer', parent: 1 } });
    expect(doc.release.source.decisions).toBe(result.stats?.used);
    const back = await app.inject({ method: 'POST', url: '/v1/admin/rollback', headers: auth });
    expect(JSON.parse(back.body)).toMatchObject({ ok: true, from: 2, to: 1 });
    expect((await app.inject({ method: 'GET', url: '/v1/model' })).headers['x-o2o-model-version']).toBe('1');
    expect((await app.inject({ method: 'POST', url: '/v1/admin/rollback', headers: auth })).statusCode).toBe(409);
    const models = JSON.parse((await app.inject({ method: 'GET', url: '/v1/admin/models', headers: auth })).body) as { live: number; promotions: Array<{ version: number; reason: string }> };
    expect(models.live).toBe(1);
    expect(models.promotions.map((p) => p.version)).toEqual([1, 2, 1]);
  }, 120_000);

  it('reports personalized against holdout with always-valid intervals', async () => {
    const answer = await app.inject({ method: 'GET', url: '/v1/report?days=7', headers: auth });
    expect(answer.statusCode).toBe(200);
    const report = JSON.parse(answer.body) as UpliftReport;
    expect(report.overall.holdout.visitors).toBeGreaterThan(100);
    expect(report.overall.personalized.conversionRate).toBeGreaterThan(report.overall.holdout.conversionRate);
    expect(report.overall.verdict).toBe('better');
    expect(report.headline).toMatch(/^Yes/);
    expect(report.slots.map((s) => s.slot)).toEqual(['hero']);
    expect((await app.inject({ method: 'GET', url: '/v1/report?days=0', headers: auth })).statusCode).toBe(400);
    const page = await app.inject({ method: 'GET', url: '/report' });
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await app.inject({ method: 'GET', url: '/report/chart.umd.min.js' })).body.length).toBeGreaterThan(100_000);
  });
});

describe('scheduled training', () => {
  it('trains every intervalMs inside the service and stops when the app closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2o-learn-schedule-'));
    const store = await openStore({ dataDir: dir, durability: 'normal' });
    const now = Date.now();
    const logs = synthesize({ devices: 300, perDevice: 2, seed: 4, start: now - 3 * DAY, model: loggingModel(1) });
    for (let i = 0; i < logs.length; i += 2) {
      const list = logs.slice(i, i + 2);
      await store.appendDecisionLog({
        device: list[0]?.device as string, receivedAt: now - 3 * DAY, skewMs: 0,
        decisions: list.map(({ device: _d, receivedAt: _r, outcomes: _o, ...record }) => record), outcomes: list.flatMap((d) => d.outcomes),
      }, { maxDecisionsPerDevice: 1000, maxOutcomesPerDecision: 16 });
    }
    const app = buildApp({ store, learning: { intervalMs: 50 } });
    await app.ready();
    try {
      // Condition, not time: at least two trained versions stored by the schedule.
      for (let waited = 0; (await store.modelVersions(10)).filter((v) => v.source.kind === 'trainer').length < 2; waited += 50) {
        if (waited > 60_000) throw new Error('no scheduled training within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await app.close();
    }
    const after = (await store.modelVersions(100)).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await store.modelVersions(100)).length).toBe(after);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
