/**
 * The device credential of protocol v2 (docs/protocol.md): a random key that
 * proves a device id to the collector, and the once-per-device registration
 * (`POST /v1/device`) that also restores a device whose storage the browser
 * wiped. The key is stored with the device id it belongs to, so a new device
 * id (first visit, `forget()`, a restore) never travels with another's key.
 * It lives in the second stage: the first decision never needs it.
 */
import type { Store } from '../store/store.js';

/** Store key of the {@link DeviceCredential}. */
export const CREDENTIAL = 'credential';

/** The credential of one device id, as stored. */
export interface DeviceCredential {
  /** The device id the key belongs to. */
  device: string;
  /** 32 random bytes, base64url without padding (43 characters). Never logged or shown. */
  key: string;
  /** Set once the collector accepted the registration of this device id and key. */
  registered?: boolean;
}

/** A new device key: 32 bytes from `crypto.getRandomValues`, base64url without padding. */
export function newDeviceKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

/**
 * The credential of the store's current device id, created with a new key
 * when there is none for it (a store from before protocol v2 keeps its device
 * id and gets a key). `known` is the one this page last used: it is written
 * back when the store lost it (IndexedDB failed over to memory and back), so
 * a registered key is never replaced by another for the same device.
 */
export async function credentialOf(store: Store, known?: DeviceCredential): Promise<DeviceCredential> {
  const device = await store.deviceId();
  const stored = await store.update<DeviceCredential>(CREDENTIAL, (c) =>
    c?.device === device && typeof c.key === 'string' ? c : known?.device === device ? known : { device, key: newDeviceKey() },
  );
  return stored as DeviceCredential;
}

/**
 * Reads an untrusted `/v1/device` answer to the registration of device `sent`:
 * the device id to use from now on (another one when the collector restored
 * it), or undefined when the answer is not one.
 */
export function readRegistered(input: unknown, sent: string): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const { device, restored } = input as { device?: unknown; restored?: unknown };
  // An answer that names no device keeps the one sent; one that names a malformed id is not an answer.
  if (device === undefined) return sent;
  if (typeof device === 'string' && /^[\w-]{1,64}$/.test(device)) return restored === true ? device : sent;
}
