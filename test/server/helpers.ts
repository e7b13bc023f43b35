/** Helpers of the service tests: device keys as the client makes them, protocol requests through fastify's inject. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A device key as the client makes it: 32 random bytes, base64url without padding. */
export const deviceKey = (): string => randomBytes(32).toString('base64url');

/** POSTs a JSON body as the client does (a CORS simple request: text/plain). */
export function post(app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } });
}
