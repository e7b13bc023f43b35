/**
 * The pre-stage buffer as the second stage finds it in storage: what pages
 * left behind before their stage ran (`first/buffer.ts`), in IndexedDB and
 * localStorage, each claimed at once (so two tabs never fold the same entry twice) and checked like
 * any input. An entry of the wrong shape, an unknown method or a time that
 * cannot be is dropped and counted, never thrown; the arguments of the ones
 * kept are validated by the client's ordinary paths (`track`, `identify`,
 * collected events).
 */
import type { DebugLog } from '../debug/log.js';
import type { PendingCall } from '../first/handoff.js';
import { takeLocalPending } from '../store/pending-local.js';
import { PENDING_LIMIT, STORED_CALLS } from '../store/setup.js';
import type { Store } from '../store/store.js';


/** Oldest entry folded in, ms: older ones describe a visit long over (and a clock gone wrong). */
export const PENDING_MAX_AGE_MS = 7 * 86_400_000;

/** When an entry was made, for ordering and the age check; -Infinity for a malformed one (sorted first, never recent enough, whatever the clock says). */
const madeAt = (entry: unknown): number => (Array.isArray(entry) && typeof entry[0] === 'number' ? entry[0] : -Infinity);

/** The well-formed calls among stored pre-stage buffer entries (the newest {@link PENDING_LIMIT}), oldest first; a time in the future is read as now. */
export function pendingCalls(stored: unknown, log: DebugLog, now = Date.now()): PendingCall[] {
  if (stored === undefined) return [];
  if (!Array.isArray(stored)) return void log.count('pending:invalid', stored), [];
  const calls: PendingCall[] = [];
  for (const entry of stored.slice(-PENDING_LIMIT) as unknown[]) {
    const at = madeAt(entry);
    // NaN and a malformed entry's -Infinity fail the age check, so `entry` is an array past it.
    if (at > now - PENDING_MAX_AGE_MS && STORED_CALLS.includes((entry as string[])[1] as string)) calls.push([Math.min(at, now), ...(entry as [string, ...unknown[]]).slice(1)] as PendingCall);
    else log.count('pending:invalid', entry);
  }
  return calls;
}

/**
 * Takes the stored pre-stage buffer out of `store` (one read-write transaction) and out of localStorage
 * (what pages being left wrote there), and returns its valid calls in the order they were made.
 */
export async function drainPending(store: Store, database: string, log: DebugLog): Promise<PendingCall[]> {
  const chunks = (await store.takePending?.()) ?? [];
  const stored = chunks.concat(takeLocalPending(database)).sort((a, b) => madeAt(a) - madeAt(b));
  if (stored.length > PENDING_LIMIT) log.count('pending:dropped', stored.length - PENDING_LIMIT);
  return pendingCalls(stored, log);
}
