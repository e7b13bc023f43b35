/**
 * `POST /v1/decisions` (docs/protocol.md, "Decision log"): a device's
 * decisions and the outcomes attributed to them, authenticated to the device
 * exactly like `POST /v1/batch` (write key, device credential, per-device
 * rate limit, same CORS and per-address limit), validated strictly, and
 * stored by the store's decision log under its per-device bounds.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { deviceAuth } from './device-auth.js';
import { valid } from './device-routes.js';
import { HttpError } from './http-error.js';
import type { ServiceBounds } from './options.js';
import type { RateLimiter } from './rate-limit.js';
import type { CollectorStore } from './store/store.js';
import { MAX_DECISION_LOG_BYTES, checkDecisionLog, futureRecordTime } from './validate.js';

/** What the decision log route needs, resolved from the app's options. */
export interface DecisionRouteContext {
  store: CollectorStore;
  writeKeys: readonly string[] | 'any';
  bounds: ServiceBounds;
  cookieSecret: string;
  cookieSecure: boolean;
  asciiKeys: boolean;
  /** Per-device limiter of this route (its own budget beside the profile routes'). */
  decisionLimiter: RateLimiter;
  /** Request body size in bytes, as the body parser counted it. */
  bodyBytes(request: FastifyRequest): number;
}

const TOO_LARGE = `body larger than ${MAX_DECISION_LOG_BYTES} bytes`;

/** Registers `POST /v1/decisions`. */
export function registerDecisionRoutes(app: FastifyInstance, ctx: DecisionRouteContext): void {
  const auth = deviceAuth(ctx);
  app.post('/v1/decisions', {
    // Refused before the body is read when it says it is too large; a chunked body is checked once read.
    preParsing: async (request) => {
      if (Number(request.headers['content-length'] ?? 0) > MAX_DECISION_LOG_BYTES) throw new HttpError(413, TOO_LARGE);
    },
  }, async (request, reply) => {
    if (ctx.bodyBytes(request) > MAX_DECISION_LOG_BYTES) throw new HttpError(413, TOO_LARGE);
    const log = valid(checkDecisionLog(request.body, ctx.asciiKeys));
    auth.admit(log.device, log.writeKey, ctx.decisionLimiter);
    await auth.prove(log.device, log.deviceKey);
    const receivedAt = Date.now();
    const future = futureRecordTime(log, receivedAt, ctx.bounds.maxFutureMs);
    if (future) throw new HttpError(422, future);
    const outcome = await ctx.store.appendDecisionLog(
      { device: log.device, decisions: log.decisions, outcomes: log.outcomes, receivedAt, skewMs: log.sentAt - receivedAt },
      { maxDecisionsPerDevice: ctx.bounds.maxDecisionsPerDevice, maxOutcomesPerDecision: ctx.bounds.maxOutcomesPerDecision },
    );
    if (outcome.refused > 0 || log.refusedFeatures > 0) {
      request.log.info({ id: log.id, refused: outcome.refused, refusedFeatures: log.refusedFeatures }, 'decision log: records past the bounds or features with refused names left out');
    }
    auth.setCookie(reply, log.device);
    return { ok: true, ...outcome };
  });
}
