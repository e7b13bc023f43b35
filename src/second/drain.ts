/**
 * The pre-stage buffer as the second stage finds it in storage: what pages
 * left behind before their stage ran (`first/buffer.ts`), claimed in one
 * transaction (so two tabs never fold the same entry twice) and checked like
 * any input. An entry of the wrong shape, an unknown method or a time that
 * cannot be is dropped and counted, never thrown; the arguments of the ones
 * kept are validated by the client's ordinary paths (`track`, `identify`,
 * collected events).
 */
import type { DebugLog } from '../debug/log.js';
import type { PendingCall } from '../first/handoff.js';
import { PENDING_KEY, PENDING_LIMIT } from '../store/setup.js';
import type { Store } from '../store/store.js';

/** The calls the buffer writes; anything else under `pending` is not ours. */
const DRAINED = ['track', 'identify', 'record', 'forget'];

/** Oldest entry folded in, ms: older ones describe a visit long over (and a clock gone wrong). */
export const PENDING_MAX_AGE_MS = 7 * 86_400_000;

/** The well-formed calls of a stored `pending` value, oldest first; a time in the future is read as now. */
export function pendingCalls(stored: unknown, log: DebugLog, now = Date.now()): PendingCall[] {
  if (stored === undefined) return [];
  if (!Array.isArray(stored)) return void log.count('pending:invalid', stored), [];
  const calls: PendingCall[] = [];
  for (const entry of stored.slice(-PENDING_LIMIT) as unknown[]) {
    const at = Array.isArray(entry) ? entry[0] : undefined;
    if (!Array.isArray(entry) || typeof at !== 'number' || !(at > now - PENDING_MAX_AGE_MS) || !DRAINED.includes(entry[1] as string)) {
      log.count('pending:invalid', entry);
      continue;
    }
    calls.push([Math.min(at, now), entry[1] as string, ...(entry.slice(2) as unknown[])]);
  }
  return calls;
}

/** Takes the stored pre-stage buffer out of `store` (one read-write transaction) and returns its valid calls. */
export async function drainPending(store: Store, log: DebugLog): Promise<PendingCall[]> {
  let stored: unknown;
  await store.update<unknown>(PENDING_KEY, (value) => {
    stored = value;
    return undefined;
  });
  return pendingCalls(stored, log);
}
