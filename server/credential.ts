/**
 * The secrets the service checks: device credentials (stored as sha256, compared
 * in constant time), verified identities (the site's HMAC of a user id) and the
 * first-party device cookie (the service's HMAC of a device id).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256(deviceKey)` as lowercase hex: all the store ever keeps of a device credential. */
export function hashDeviceKey(deviceKey: string): string {
  return createHash('sha256').update(deviceKey, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (length leaks, content does not). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `deviceKey` hashes to the stored credential hash. */
export function deviceKeyMatches(deviceKey: string, storedHash: string): boolean {
  return sameSecret(hashDeviceKey(deviceKey), storedHash);
}

/** The signature a site's server computes for a user id: lowercase hex HMAC-SHA256(identity secret, userId). */
export function signUserId(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** True when `signature` is the site's signature of `userId` (timing-safe). */
export function userSignatureValid(secret: string, userId: string, signature: string): boolean {
  return sameSecret(signUserId(secret, userId), signature.toLowerCase());
}

/** Name of the first-party device cookie. */
export const DEVICE_COOKIE = 'o2o_dev';
/** 400 days, the longest lifetime browsers honor. */
const COOKIE_MAX_AGE = 400 * 24 * 3600;
const DEVICE_ID = /^[\w-]{1,64}$/;

function cookieMac(secret: string, device: string): string {
  return createHmac('sha256', secret).update(device, 'utf8').digest('base64url');
}

/** `Set-Cookie` value naming a proven device: `o2o_dev=<device>.<hmac>; HttpOnly; SameSite=Lax; Path=/; Max-Age=…` (+ `Secure`). */
export function deviceCookie(secret: string, device: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${device}.${cookieMac(secret, device)}; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Lax; Path=/; Max-Age=${COOKIE_MAX_AGE}`;
}

/** `Set-Cookie` value that removes the device cookie (forget). */
export function clearedDeviceCookie(secure: boolean): string {
  return `${DEVICE_COOKIE}=; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Lax; Path=/; Max-Age=0`;
}

/** The device a request's `Cookie` header proves with a valid device cookie, if any. */
export function deviceFromCookie(secret: string, header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name !== DEVICE_COOKIE || !value) continue;
    const dot = value.lastIndexOf('.');
    const device = value.slice(0, dot);
    if (dot > 0 && DEVICE_ID.test(device) && sameSecret(cookieMac(secret, device), value.slice(dot + 1))) return device;
  }
  return undefined;
}
