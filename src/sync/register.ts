/**
 * Registration of a device with the collector (`POST /v1/device`, protocol
 * v2), once per device id and before its first push or pull, and the restore
 * it may answer with: a browser that wiped the site's storage (Safari does
 * after 7 days without a visit) starts as a new device, the collector
 * recognizes its first-party cookie and gives the old device id back; the
 * client adopts it, keeps its new key, and rebuilds its profile on the old
 * device's pulled state.
 */
import type { ResolvedConfig } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Store } from '../store/store.js';
import { type DeviceCredential, CREDENTIAL, credentialOf, readRegistered } from './credential.js';
import { verdictFor } from './backoff.js';
import { PROTOCOL, type TransportResult, resultOf, send } from './transport.js';

/** The key to send with a request, or why there is none: a result to retry after, or `undefined` when the collector refused the device (this page stops syncing). */
export type Proof = string | TransportResult | undefined;

/**
 * Registers this store's device once and answers the device key to send (see
 * {@link Proof}); every caller of one page shares one attempt at a time.
 */
export type Registration = () => Promise<Proof>;

/**
 * Creates the {@link Registration} of one sync with the collector at
 * `config.endpoint`. `adopt` takes over `device` (a restored id) with
 * `credential`: it pulls its replica with the key and rebuilds the profile on
 * it, and rejects when that failed; the registration is then retried (the
 * collector answers the same restore again).
 */
export function createRegistration(
  config: Pick<ResolvedConfig, 'endpoint' | 'writeKey'>,
  store: Store,
  log: DebugLog,
  adopt: (device: string, credential: DeviceCredential) => Promise<void>,
): Registration {
  let known: DeviceCredential | undefined;
  let refused = false;
  let attempt: Promise<Proof> | undefined;

  async function register(): Promise<Proof> {
    // Once registered, a send costs one read of the device id (another tab may have erased or restored it).
    if (known?.registered && known.device === (await store.deviceId())) return known.key;
    const { device, key, registered } = (known = await credentialOf(store, known));
    if (registered) return key;
    const response = await send(config.endpoint + '/v1/device', { v: PROTOCOL, device, deviceKey: key, writeKey: config.writeKey }).catch(() => undefined);
    if (!response) return { status: 0 };
    const verdict = verdictFor(response.status);
    if (verdict === 'retry') return resultOf(response);
    const now = verdict === 'ok' ? readRegistered(await response.json().catch(() => undefined), device) : undefined;
    if (!now) {
      // 401 (another key holds this device id), another 4xx or a malformed answer: no retry storm, local personalization goes on.
      refused = true;
      log.count(response.status === 401 ? 'sync:credential-refused' : 'sync:register-refused', response.status);
      return undefined;
    }
    const credential: DeviceCredential = { device: now, key, registered: true };
    if (now === device) {
      known = credential;
      await store.update<DeviceCredential>(CREDENTIAL, (c) => (c?.device === device && c.key === key ? credential : c));
    } else {
      log.info('sync: device restored');
      await adopt(now, credential);
      known = credential;
    }
    return key;
  }

  return () =>
    refused
      ? Promise.resolve(undefined)
      : (attempt ??= register()
        .catch((error: unknown) => (log.count('sync:register-failed', error), { status: 0 }))
        .finally(() => (attempt = undefined)));
}
