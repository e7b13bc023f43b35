/**
 * Registration of a device with the collector (`POST /v1/device`, protocol
 * v2), once per device id and before its first push or pull, and the restore
 * it may answer with: a browser that wiped the site's storage (Safari does
 * after 7 days without a visit) starts as a new device, the collector
 * recognizes its first-party cookie and gives the old device id back; the
 * client adopts it, keeps its new key, and rebuilds its profile on the old
 * device's pulled state.
 */
import type { DebugLog } from '../debug/log.js';
import type { Store } from '../store/store.js';
import { type DeviceCredential, CREDENTIAL, credentialOf, readRegistered } from './credential.js';
import { parseRetryAfter, verdictFor } from './backoff.js';
import { PROTOCOL, type TransportResult, send } from './transport.js';

/** The key to send with a request, or why there is none: a result to retry after, or `undefined` when the collector refused the device (this page stops syncing). */
export type Proof = string | TransportResult | undefined;

/** What a restore needs from its surroundings. */
export interface RegistrationOptions {
  endpoint: string;
  writeKey?: string;
  store: Store;
  log: DebugLog;
  /**
   * Adopts `device` (the restored id) with `credential`: pulls its replica with
   * the key and rebuilds the profile on it. Rejects when that failed; the
   * registration is then retried (the collector answers the same restore again).
   */
  adopt(device: string, credential: DeviceCredential): Promise<void>;
}

/** Registers this store's device once; every caller of one page shares one attempt at a time. */
export interface Registration {
  /** The device key once the device is registered (registering it first when needed). */
  prove(): Promise<Proof>;
}

/** Creates the {@link Registration} of one sync. */
export function createRegistration(o: RegistrationOptions): Registration {
  const { store, log } = o;
  let known: DeviceCredential | undefined;
  let refused = false;
  let attempt: Promise<Proof> | undefined;

  async function register(): Promise<Proof> {
    // Once registered, a send costs one read of the device id (another tab may have erased or restored it).
    if (known?.registered && known.device === (await store.deviceId())) return known.key;
    const credential = (known = await credentialOf(store, known));
    if (credential.registered) return credential.key;
    const { device, key } = credential;
    let response: Response;
    try {
      response = await send(o.endpoint + '/v1/device', { v: PROTOCOL, device, deviceKey: key, writeKey: o.writeKey });
    } catch {
      return { status: 0 };
    }
    const verdict = verdictFor(response.status);
    if (verdict === 'retry') return { status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()) };
    const answer = verdict === 'ok' ? readRegistered(await response.json().catch(() => undefined), device) : undefined;
    if (!answer) {
      // 401 (another key holds this device id), another 4xx or a malformed answer: no retry storm, local personalization goes on.
      refused = true;
      log.count(response.status === 401 ? 'sync:credential-refused' : 'sync:register-refused', response.status);
      return undefined;
    }
    if (answer.restored) {
      log.info('sync: device restored from the collector');
      await o.adopt(answer.device, { device: answer.device, key, registered: true });
      known = { device: answer.device, key, registered: true };
      return key;
    }
    known = { device, key, registered: true };
    await store.update<DeviceCredential>(CREDENTIAL, (c) => (c?.device === device && c.key === key ? known : c));
    return key;
  }

  return {
    prove() {
      if (refused) return Promise.resolve(undefined);
      return (attempt ??= register()
        .catch((error: unknown) => (log.count('sync:register-failed', error), { status: 0 }))
        .finally(() => (attempt = undefined)));
    },
  };
}
