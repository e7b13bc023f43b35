/**
 * The collector service (protocol v2, docs/protocol.md; security model,
 * docs/security.md) as a fastify instance. Stateless: everything lives in the
 * {@link CollectorStore}, so several processes can serve one database (rate
 * limits excepted, which are per process).
 */
import { randomBytes } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerAdminRoutes } from './admin-routes.js';
import { registerDecisionRoutes } from './decision-routes.js';
import { registerDeviceRoutes } from './device-routes.js';
import { HttpError } from './http-error.js';
import { registerModelRoute } from './model-route.js';
import { type AppOptions, DEFAULT_BOUNDS, DEFAULT_RATE_LIMITS } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { registerStaticFiles } from './static-files.js';

export type { AppOptions, ServiceBounds } from './options.js';

const LOCAL_ORIGIN = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;
const BODY_BYTES = Symbol('bodyBytes');

type CountedRequest = FastifyRequest & { [BODY_BYTES]?: number };

/** True when `origin` may call the API: same host as the request, or in the allow-list. */
function originAllowed(origin: string, host: string | undefined, allowed: readonly string[] | 'local'): boolean {
  if (allowed === 'local' ? LOCAL_ORIGIN.test(origin) : allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Builds the service; call `ready()` or `listen()` on the result. Refuses unsafe production options. */
export function buildApp(options: AppOptions): FastifyInstance {
  const production = options.production ?? false;
  if (production && !options.cookieSecret) throw new Error('a cookie secret is required in production');
  if (production && (options.writeKeys === undefined || options.writeKeys === 'any' || options.writeKeys.length === 0)) throw new Error('write keys are required in production');
  const allowedOrigins = options.allowedOrigins ?? (production ? [] : 'local');
  const bodyLimit = options.bodyLimit ?? 256 * 1024;
  const ipLimiter = new RateLimiter(options.rateLimits?.ip ?? DEFAULT_RATE_LIMITS.ip);

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: options.forceCloseConnections ?? 'idle',
    return503OnClosing: true,
  });

  // Bodies are JSON sent as text/plain (a CORS simple request), whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    (request as CountedRequest)[BODY_BYTES] = (body as Buffer).length;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')) as unknown);
    } catch {
      done(new HttpError(400, 'body is not valid JSON'), undefined);
    }
  });

  void app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && originAllowed(origin, undefined, allowedOrigins)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'if-none-match', 'authorization'],
    exposedHeaders: ['etag', 'retry-after'],
    // Cookies only travel same-origin (protocol v2), so no cross-origin request is ever credentialed.
    credentials: false,
    maxAge: 86400,
  });

  // preParsing: after @fastify/cors's onRequest hook (so refusals carry CORS headers), before the body is read.
  app.addHook('preParsing', async (request, reply) => {
    const origin = request.headers.origin;
    const path = request.url.split('?')[0] as string;
    if (path.startsWith('/v1/') && path !== '/v1/model' && origin !== undefined && request.method !== 'OPTIONS' && !originAllowed(origin, request.headers.host, allowedOrigins)) {
      throw new HttpError(403, 'origin not allowed');
    }
    if (path.startsWith('/v1/')) {
      reply.header('cache-control', 'no-store');
      const decision = ipLimiter.take(request.ip);
      if (!decision.ok) throw new HttpError(429, 'too many requests from this address', { 'retry-after': String(decision.retryAfterSeconds) });
    }
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const status = error instanceof HttpError ? error.statusCode : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, reason: error.message }, 'request refused');
    if (error instanceof HttpError) reply.headers(error.headers);
    const extra = error instanceof HttpError ? error.extra : {};
    return reply.code(status).send({ ok: false, error: status >= 500 ? 'internal error' : error.message, ...extra });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ ok: false, error: 'not found' }));

  const device = {
    store: options.store,
    writeKeys: options.writeKeys ?? 'any',
    bounds: { ...DEFAULT_BOUNDS, ...options.bounds },
    cookieSecret: options.cookieSecret ?? randomBytes(32).toString('base64url'),
    cookieSecure: options.cookieSecure ?? production,
    asciiKeys: options.asciiKeys ?? false,
    bodyBytes: (request: FastifyRequest) => (request as CountedRequest)[BODY_BYTES] ?? 0,
  };
  registerDeviceRoutes(app, {
    ...device,
    identitySecret: options.identitySecret || undefined,
    deviceLimiter: new RateLimiter(options.rateLimits?.device ?? DEFAULT_RATE_LIMITS.device),
  });
  registerDecisionRoutes(app, { ...device, decisionLimiter: new RateLimiter(options.rateLimits?.decisions ?? DEFAULT_RATE_LIMITS.decisions) });
  registerModelRoute(app, options.modelFile, options.store);
  registerAdminRoutes(app, options.store, options.adminToken || undefined, production, { ...options.learning, ...(options.modelFile ? { modelFile: options.modelFile } : {}) });
  if (options.staticRoots && Object.keys(options.staticRoots).length) registerStaticFiles(app, options.staticRoots);
  return app;
}
