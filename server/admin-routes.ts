/**
 * Health, readiness and the QA routes `GET /v1/received` (recent batches) and
 * `GET /v1/admin/device?device=…` (one device's merged state). They expose
 * device ids and data, so they sit behind the admin token (`Authorization:
 * Bearer …`); without a token they are open in development and absent in production.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sameSecret } from './credential.js';
import { HttpError } from './http-error.js';
import { type LearningOptions, registerLearnRoutes } from './learn/learn-routes.js';
import { learningStoreOf } from './learn/learning-store.js';
import { registerReportRoutes } from './report/report-routes.js';
import type { CollectorStore } from './store/store.js';

/**
 * Registers `/healthz`, `/readyz` and (when allowed) `/v1/received`, `/v1/admin/device`
 * and, on a store with the decision log and model registry, learning's admin routes and the report.
 */
export function registerAdminRoutes(app: FastifyInstance, store: CollectorStore, adminToken: string | undefined, production: boolean, learning: LearningOptions & { modelFile?: string } = {}): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (request, reply) => {
    try {
      await store.ping();
      return { ok: true, store: store.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'store not ready');
      return reply.code(503).send({ ok: false, error: 'store not ready' });
    }
  });
  if (production && !adminToken) return;
  const authorize = (request: FastifyRequest): void => {
    if (adminToken === undefined) return;
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !sameSecret(header.slice(7), adminToken)) throw new HttpError(401, 'admin token required', { 'www-authenticate': 'Bearer' });
  };
  // What the collector merged for one device (QA: the id is in the debug panel and in IndexedDB).
  app.get('/v1/admin/device', async (request) => {
    authorize(request);
    const device = (request.query as Record<string, string | undefined>).device ?? '';
    if (!/^[\w-]{1,64}$/.test(device)) throw new HttpError(400, 'device must be 1-64 letters, digits, "_" or "-"');
    return { device, user: (await store.userOf(device)) ?? null, state: (await store.device(device)) ?? null };
  });
  app.get('/v1/received', async (request) => {
    authorize(request);
    const asked = Number((request.query as Record<string, string | undefined>).limit ?? 1000);
    const limit = Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, 10_000) : 1000;
    return { batches: await store.received(limit) };
  });
  const learningStore = learningStoreOf(store);
  if (learningStore) {
    registerLearnRoutes(app, learningStore, authorize, learning, learning.modelFile);
    registerReportRoutes(app, learningStore, authorize, learning.now);
  }
}
