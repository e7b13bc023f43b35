/**
 * Sessions on their own: the reducer starts a new session after the timeout
 * or at local midnight, and a decision (and the visit's context) treats a
 * visit as over after it, so all read one number and one rule from here.
 */

/** Inactivity that ends a session (30 minutes), ms: the default of `ProfileOptions.sessionTimeoutMs`. */
export const SESSION_TIMEOUT_MS = 30 * 60_000;

const localDay = (ts: number, tz: number | undefined): number => Math.floor((ts + (tz ?? 0) * 60_000) / 86_400_000);

/**
 * Whether an event at `ts` starts a new session after the last one at `last`: a
 * session ends after `timeoutMs` of inactivity or at local midnight (`tz`, minutes east of UTC).
 */
export function startsSession(last: number | undefined, ts: number, tz: number | undefined, timeoutMs = SESSION_TIMEOUT_MS): boolean {
  // Events of a burst share a millisecond: same day, no need to work it out.
  // Equivalent mutants: without `last === undefined` (NaN compares false, and the day test is true), or
  // without `ts !== last` (the same millisecond is the same day).
  return last === undefined || ts - last > timeoutMs || (ts !== last && localDay(ts, tz) !== localDay(last, tz));
}
