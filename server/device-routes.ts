/**
 * The device-scoped profile routes of protocol v2 (docs/protocol.md):
 * `POST /v1/device`, `POST /v1/batch`, `POST /v1/profile`, `POST /v1/forget`.
 * Every one proves the device with its credential before touching its data
 * (`device-auth.ts`), then sets the device cookie. `GET /v1/profile`, the v1
 * pull, only answers 401 naming the protocol, so a v1 client stops syncing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Replica } from '../src/core/merge.js';
import { clearedDeviceCookie, deviceFromCookie, hashDeviceKey, userSignatureValid } from './credential.js';
import { deviceAuth } from './device-auth.js';
import { HttpError } from './http-error.js';
import type { ServiceBounds } from './options.js';
import type { RateLimiter } from './rate-limit.js';
import type { CollectorStore } from './store/store.js';
import { type Checked, V2_REQUIRED, checkBatch, checkDeviceRequest, futureTime, refusedKeysMessage } from './validate.js';

/** What the device routes need, resolved from the app's options. */
export interface DeviceRouteContext {
  store: CollectorStore;
  writeKeys: readonly string[] | 'any';
  bounds: ServiceBounds;
  identitySecret: string | undefined;
  cookieSecret: string;
  cookieSecure: boolean;
  /** Store only keys of `[A-Za-z][A-Za-z0-9_.:-]{0,127}` (see validate.ts keyAllowed). */
  asciiKeys: boolean;
  deviceLimiter: RateLimiter;
  /** Request body size in bytes, as the body parser counted it. */
  bodyBytes(request: FastifyRequest): number;
}

/** The value of a validation, or the HTTP error it names. */
export function valid<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new HttpError(checked.status, checked.error);
  return checked.value;
}

/** Registers the device-scoped profile routes. */
export function registerDeviceRoutes(app: FastifyInstance, ctx: DeviceRouteContext): void {
  const { store } = ctx;
  const auth = deviceAuth(ctx);

  /** Links the device to its `u.id` when `u.sig` is the site's signature of it; an unverified id links nothing. */
  const linkUser = async (device: string): Promise<void> => {
    if (!ctx.identitySecret) return;
    const fields = (await store.device(device))?.fields;
    const id = fields?.['u.id'];
    if (id?.k !== 'r' || typeof id.v !== 'string' || id.v === '') return;
    const sig = fields?.['u.sig'];
    if (sig?.k === 'r' && typeof sig.v === 'string' && userSignatureValid(ctx.identitySecret, id.v, sig.v)) await store.linkUser(device, id.v, Date.now());
  };

  const replicaOf = async (device: string): Promise<{ device: string; user: string | null; replica: Replica }> => {
    const user = await store.userOf(device);
    const ids = user === undefined ? [device] : [...new Set([device, ...(await store.devicesOfUser(user, ctx.bounds.maxLinkedDevices))])];
    return { device, user: user ?? null, replica: await store.devices(ids) };
  };

  app.post('/v1/device', async (request, reply) => {
    const body = valid(checkDeviceRequest(request.body));
    auth.admit(body.device, body.writeKey, ctx.deviceLimiter);
    const remembered = deviceFromCookie(ctx.cookieSecret, request.headers.cookie);
    if (remembered !== undefined && remembered !== body.device && (await store.credentialOf(body.device)) === undefined && (await store.credentialOf(remembered)) !== undefined) {
      // A wiped browser store: the cookie proves this browser was `remembered`, so its new key takes over.
      await store.replaceCredential(remembered, hashDeviceKey(body.deviceKey), Date.now());
      request.log.info({ restored: true }, 'device restored from cookie');
      auth.setCookie(reply, remembered);
      return { ok: true, device: remembered, restored: true };
    }
    await auth.prove(body.device, body.deviceKey);
    auth.setCookie(reply, body.device);
    return { ok: true, device: body.device, restored: false };
  });

  app.post('/v1/batch', async (request, reply) => {
    const batch = valid(checkBatch(request.body, ctx.asciiKeys));
    auth.admit(batch.device, batch.writeKey, ctx.deviceLimiter);
    await auth.prove(batch.device, batch.deviceKey);
    const receivedAt = Date.now();
    const future = futureTime(batch.deltas, receivedAt, ctx.bounds.maxFutureMs);
    if (future) throw new HttpError(422, future);
    const outcome = await store.applyBatch(
      { device: batch.device, id: batch.id, deltas: batch.deltas, receivedAt, skewMs: batch.sentAt - receivedAt, bytes: ctx.bodyBytes(request) },
      { maxFields: ctx.bounds.maxFields, maxBytes: ctx.bounds.maxBytes, maxSeqStep: ctx.bounds.maxSeqStep },
    );
    if (outcome.rejected === 'seq-step') throw new HttpError(422, `sequence step: the batch's highest s is more than ${ctx.bounds.maxSeqStep} above the device's`);
    // The link depends on u.id and u.sig only: a batch that carries neither leaves it as it was.
    if (outcome.applied > 0 && batch.deltas.some((d) => d.key === 'u.id' || d.key === 'u.sig')) await linkUser(batch.device);
    auth.setCookie(reply, batch.device);
    const refused = outcome.refused + batch.refusedKeys;
    if (outcome.refused > 0) {
      // What fit is applied and the id remembered; the client drops the batch on a 4xx, as it should.
      throw new HttpError(422, `fields per device (${ctx.bounds.maxFields}) or bytes per device (${ctx.bounds.maxBytes}) reached: ${outcome.refused} deltas refused`, {}, { id: batch.id, applied: outcome.applied, refused });
    }
    if (batch.refusedKeys > 0) {
      // Sanitized, not refused: the SDK made these keys from the site's labels, so a 4xx would only make it count a drop.
      request.log.info({ refusedKeys: batch.refusedKeys }, refusedKeysMessage(batch.refusedKeys, ctx.asciiKeys));
      return { ok: true, id: batch.id, duplicate: outcome.duplicate, applied: outcome.applied, refused };
    }
    return { ok: true, id: batch.id, duplicate: outcome.duplicate, applied: outcome.applied };
  });

  app.post('/v1/profile', async (request, reply) => {
    const body = valid(checkDeviceRequest(request.body));
    auth.admit(body.device, body.writeKey, ctx.deviceLimiter);
    await auth.prove(body.device, body.deviceKey);
    auth.setCookie(reply, body.device);
    return replicaOf(body.device);
  });

  app.get('/v1/profile', async () => {
    throw new HttpError(401, V2_REQUIRED);
  });

  app.post('/v1/forget', async (request, reply) => {
    const body = valid(checkDeviceRequest(request.body));
    auth.admit(body.device, body.writeKey, ctx.deviceLimiter);
    await auth.prove(body.device, body.deviceKey);
    const erased = await store.erase(body.device);
    reply.header('set-cookie', clearedDeviceCookie(ctx.cookieSecure));
    return { ok: true, erased };
  });
}
