/** `GET /v1/model`: the model document with an ETag, 304 when the client has it. Public. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { BUILTIN_MODEL } from '../src/core/model.js';

/** Registers `GET /v1/model`; `modelFile` is read per request, so a promoted model applies without a restart. */
export function registerModelRoute(app: FastifyInstance, modelFile: string | undefined): void {
  app.get('/v1/model', async (request, reply) => {
    const text = modelFile ? await readFile(modelFile, 'utf8').catch(() => undefined) : undefined;
    const body = text === undefined ? JSON.stringify(BUILTIN_MODEL) : JSON.stringify(JSON.parse(text));
    const etag = '"' + createHash('sha256').update(body).digest('base64url').slice(0, 22) + '"';
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
