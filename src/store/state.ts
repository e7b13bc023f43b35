/**
 * What the store keeps, and the pure fold of a batch of events into it.
 * Shared by the IndexedDB and memory stores so both behave identically.
 */
import type { TrackedEvent } from '../core/events.js';
import { type Delta, compactDeltas } from '../core/merge.js';
import { type Profile, PROFILE_VERSION, emptyProfile } from '../core/profile.js';

/** Folds a batch of events, in order, into a profile; the client supplies it with its options. */
export type Reducer = (profile: Profile, events: readonly TrackedEvent[]) => { profile: Profile; deltas: Delta[] };

/** Documented bounds of stored data. */
export const STORE_LIMITS = {
  /** Most recent events kept in the event log (a ring). */
  eventLog: 500,
  /** Most deltas kept in the sync queue after compaction (one per key, so this bounds keys, not events). */
  queue: 2000,
} as const;

/** The result of committing a batch of events. */
export interface CommitResult {
  profile: Profile;
  deltas: Delta[];
  /** Deltas dropped because the queue was over its bound after compaction. */
  dropped: number;
}

/** Brings a stored profile of any known schema version to the current one. */
export function migrateProfile(stored: unknown): Profile {
  if (!stored || typeof stored !== 'object') return emptyProfile();
  const profile = stored as Partial<Profile>;
  if (profile.v === PROFILE_VERSION && profile.own && profile.remote) return profile as Profile;
  return emptyProfile();
}

/** Folds events into a profile and queue; pure. */
export function foldEvents(profile: Profile, queue: readonly Delta[], events: readonly TrackedEvent[], reduce: Reducer): CommitResult & { queue: Delta[] } {
  const folded = events.length ? reduce(profile, events) : { profile, deltas: [] };
  const next = compactDeltas(queue.concat(folded.deltas));
  const dropped = Math.max(0, next.length - STORE_LIMITS.queue);
  // Over the bound, the oldest writes go first; the backend still has every earlier version of them.
  return { ...folded, dropped, queue: dropped ? next.sort((a, b) => a.s - b.s).slice(dropped) : next };
}

/** Removes acknowledged deltas, keeping any newer write of the same key. */
export function removeAcknowledged(queue: readonly Delta[], sent: readonly Delta[]): Delta[] {
  const acked = new Map<string, number>();
  for (const delta of sent) acked.set(delta.key, Math.max(acked.get(delta.key) ?? 0, delta.s));
  return queue.filter((delta) => delta.s > (acked.get(delta.key) ?? -1));
}
