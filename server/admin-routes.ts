/**
 * Health, readiness and the QA route `GET /v1/received`. The QA route lists
 * device ids, so it sits behind the admin token (`Authorization: Bearer …`);
 * without a token it is open in development and absent in production.
 */
import type { FastifyInstance } from 'fastify';
import { sameSecret } from './credential.js';
import { HttpError } from './http-error.js';
import type { CollectorStore } from './store/store.js';

/** Registers `/healthz`, `/readyz` and (when allowed) `/v1/received`. */
export function registerAdminRoutes(app: FastifyInstance, store: CollectorStore, adminToken: string | undefined, production: boolean): void {
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
  app.get('/v1/received', async (request) => {
    if (adminToken !== undefined) {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !sameSecret(header.slice(7), adminToken)) throw new HttpError(401, 'admin token required', { 'www-authenticate': 'Bearer' });
    }
    const asked = Number((request.query as Record<string, string | undefined>).limit ?? 1000);
    const limit = Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, 10_000) : 1000;
    return { batches: await store.received(limit) };
  });
}
