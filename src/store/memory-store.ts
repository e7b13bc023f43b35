/**
 * A store that lives only as long as the page: the fallback when IndexedDB is
 * missing or failing, and the store used before consent.
 */
import type { TrackedEvent } from '../core/events.js';
import type { Delta } from '../core/merge.js';
import { type Profile, emptyProfile } from '../core/profile.js';
import { STORE_LIMITS, foldEvents, removeAcknowledged } from './state.js';
import { DEVICE_KEY, MODEL_KEY } from './setup.js';
import { PANEL_KEY, PREVIEW_KEY, type Store, randomId } from './store.js';

/** Initial contents, so a failing IndexedDB store can hand over what it had. */
export interface MemorySeed {
  device?: string;
  profile?: Profile;
  queue?: Delta[];
}

/** Creates a memory {@link Store}. */
export function createMemoryStore(seed: MemorySeed = {}): Store {
  let { device = randomId(), profile = emptyProfile(), queue = [] } = seed;
  let events: TrackedEvent[] = [];
  let values = new Map<string, unknown>();
  return {
    mode: 'memory',
    deviceId: async () => device,
    loadProfile: async () => profile,
    loadStart: async () => ({ device, profile, model: values.get(MODEL_KEY), preview: values.get(PREVIEW_KEY), panel: values.get(PANEL_KEY) }),
    async commit(batch, reduce) {
      const result = foldEvents(profile, queue, batch, reduce);
      ({ profile, queue } = result);
      events = events.concat(batch).slice(-STORE_LIMITS.eventLog);
      return result;
    },
    readQueue: async () => queue,
    async acknowledge(sent) {
      queue = removeAcknowledged(queue, sent);
    },
    readEvents: async () => events,
    async update<T>(key: string, fn: (stored: T | undefined) => T | undefined) {
      // The profile lives in its own variable so commits and merges see one value.
      const value = fn((key === 'profile' ? profile : key === DEVICE_KEY ? device : key === 'queue' ? queue : values.get(key)) as T | undefined);
      if (key === 'profile') profile = (value as Profile | undefined) ?? emptyProfile();
      // A restored device (sync/connect.ts) replaces the id and the queue, as it does in IndexedDB.
      else if (key === DEVICE_KEY && typeof value === 'string') device = value;
      else if (key === 'queue') queue = (value as Delta[] | undefined) ?? [];
      else if (value === undefined) values.delete(key);
      else values.set(key, value);
      return value;
    },
    async clear() {
      values = new Map();
      device = randomId();
      profile = emptyProfile();
      queue = [];
      events = [];
    },
  };
}
