/**
 * `GET /v1/model`: the live model version with an ETag, 304 when the client
 * has it. Public. With a store that keeps a model registry, the live version
 * is served (version 1 is the model file or the built-in model, stored on the
 * first request) and the document says which version it is and which data it
 * came from (`release`, a field `parseModel` ignores; also the
 * `x-o2o-model-version` header). Without a registry the model file is read per request.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { learningStoreOf } from './learn/learning-store.js';
import { liveVersion } from './learn/registry.js';
import { BUILTIN_MODEL } from '../src/core/model.js';
import type { ModelVersion } from './store/model-registry.js';

/** What the served document says about its origin. */
export interface ModelRelease {
  version: number;
  createdAt: number;
  source: ModelVersion['source'];
}

/** The served body of a stored version: its document with a `release` field. */
export function servedDocument(version: ModelVersion): string {
  const document = JSON.parse(version.document) as Record<string, unknown>;
  const release: ModelRelease = { version: version.version, createdAt: version.createdAt, source: version.source };
  return JSON.stringify({ ...document, release });
}

/** Registers `GET /v1/model`. */
export function registerModelRoute(app: FastifyInstance, modelFile: string | undefined, store?: object): void {
  const registry = store ? learningStoreOf(store) : undefined;
  app.get('/v1/model', async (request, reply) => {
    let body: string;
    if (registry) {
      const live = await liveVersion(registry, modelFile, Date.now());
      body = servedDocument(live);
      reply.header('x-o2o-model-version', String(live.version));
    } else {
      // As before the registry: the file as written (a client validates what it pulls), else the built-in model.
      const text = modelFile ? await readFile(modelFile, 'utf8').catch(() => undefined) : undefined;
      body = text === undefined ? JSON.stringify(BUILTIN_MODEL) : JSON.stringify(JSON.parse(text));
    }
    const etag = '"' + createHash('sha256').update(body).digest('base64url').slice(0, 22) + '"';
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
