/**
 * How every device-scoped route admits a request (write key, per-device rate
 * limit) and proves the device with its credential before touching its data:
 * shared by the profile routes (`device-routes.ts`) and the decision log
 * route (`decision-routes.ts`), so both authenticate exactly alike.
 */
import type { FastifyReply } from 'fastify';
import { deviceCookie, deviceKeyMatches, hashDeviceKey } from './credential.js';
import { HttpError } from './http-error.js';
import type { RateLimiter } from './rate-limit.js';
import type { CollectorStore } from './store/store.js';

/** What {@link deviceAuth} needs, resolved from the app's options. */
export interface DeviceAuthContext {
  store: CollectorStore;
  writeKeys: readonly string[] | 'any';
  cookieSecret: string;
  cookieSecure: boolean;
}

/** The checks of a device-scoped request. */
export interface DeviceAuth {
  /** 401 without an accepted write key; 429 when `limiter` has no token left for the device. */
  admit(device: string, writeKey: string | undefined, limiter: RateLimiter): void;
  /** Registers the device on first contact (trust on first use); 401 when it has another credential. */
  prove(device: string, deviceKey: string): Promise<void>;
  /** Sets the device cookie (the proof a wiped browser store restores with). */
  setCookie(reply: FastifyReply, device: string): void;
}

/** The answer to a device key that is not the device's. */
export const CREDENTIAL_MISMATCH = 'device credential mismatch';

/** The device checks over one store and configuration. */
export function deviceAuth(ctx: DeviceAuthContext): DeviceAuth {
  return {
    admit(device, writeKey, limiter) {
      if (ctx.writeKeys !== 'any' && (writeKey === undefined || !ctx.writeKeys.includes(writeKey))) throw new HttpError(401, 'unknown or missing writeKey');
      const decision = limiter.take(device);
      if (!decision.ok) throw new HttpError(429, 'too many requests for this device', { 'retry-after': String(decision.retryAfterSeconds) });
    },
    async prove(device, deviceKey) {
      // A read first: registering is a write, and only a device's first request needs it.
      let stored = await ctx.store.credentialOf(device);
      if (stored === undefined) {
        if ((await ctx.store.registerDevice(device, hashDeviceKey(deviceKey), Date.now())) === 'created') return;
        stored = await ctx.store.credentialOf(device); // another request registered it meanwhile
      }
      if (stored === undefined || !deviceKeyMatches(deviceKey, stored)) throw new HttpError(401, CREDENTIAL_MISMATCH);
    },
    setCookie(reply, device) {
      reply.header('set-cookie', deviceCookie(ctx.cookieSecret, device, ctx.cookieSecure));
    },
  };
}
