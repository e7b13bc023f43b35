/**
 * Consent granted after the page started: what the page kept in memory moves
 * into durable storage. Runs only on a consent change, never before the first
 * decision.
 */
import type { Profile } from '../core/profile.js';
import type { Reducer } from '../store/state.js';
import type { Store } from '../store/store.js';

/**
 * Moves `memory`'s events and queue into the store `open` opens.
 * On a first grant the memory profile and queue are the whole story and are
 * stored as they are (the bounded event log could not rebuild them); when a
 * profile is already stored, this page's logged events are folded into it.
 * Resolves with the durable store and the profile it now holds.
 */
export async function persistMemoryState(memory: Store, profile: Profile | undefined, open: () => Promise<Store>, reduce: Reducer): Promise<{ store: Store; profile: Profile }> {
  const [events, queue] = await Promise.all([memory.readEvents(), memory.readQueue()]);
  const store = await open();
  const stored = await store.loadProfile();
  if (profile && stored.own.seq === 0) {
    await store.update('profile', () => profile);
    await store.update('queue', () => queue);
    // Append this page's log without folding it again.
    if (events.length) await store.commit(events, (p) => ({ profile: p, deltas: [] }));
    return { store, profile: await store.loadProfile() };
  }
  return { store, profile: events.length ? (await store.commit(events, reduce)).profile : stored };
}
