/**
 * A store that survives IndexedDB failing. It uses IndexedDB while that
 * works; when an operation throws (missing, blocked, `InvalidStateError`,
 * `QuotaExceededError`, a closed connection) it moves to memory, seeded with
 * the last state it saw, and re-runs the failed operation there, so nothing
 * pending is lost. It retries IndexedDB with backoff and, when it is back,
 * replays the events recorded in memory into it. Other tabs are told about
 * every durable change (see `tabs.ts`).
 */
import type { TrackedEvent } from '../core/events.js';
import type { Delta } from '../core/merge.js';
import type { Profile } from '../core/profile.js';
import type { DebugLog } from '../debug/log.js';
import { createMemoryStore } from './memory-store.js';
import type { Reducer } from './state.js';
import type { Store } from './store.js';
import { DEVICE_KEY } from './setup.js';

/** First retry of IndexedDB after a failure, ms; doubles up to {@link RETRY_MAX_MS}. */
export const RETRY_MS = 30_000;
/** Longest wait between retries, ms. */
export const RETRY_MAX_MS = 300_000;
/** Most events kept for replay while in memory; older ones stay in the memory profile only. */
export const REPLAY_LIMIT = 1000;

/**
 * Why IndexedDB was given up, for the counter `storage:fallback:<reason>`: the
 * error's name (`QuotaExceededError`, `StoreStallError` for an open or a
 * transaction past its bound twice, `InvalidStateError`, `SecurityError`, …)
 * or, for a plain `Error`, its message (`no IndexedDB`, a newer schema).
 */
export function fallbackReason(error: unknown): string {
  const e = error as Error | undefined;
  return String(e?.name && e.name !== 'Error' ? e.name : (e?.message ?? e)).slice(0, 60);
}

/**
 * Wraps `open()` (which opens IndexedDB and rejects when it cannot) in a
 * store that falls back to memory and tells other tabs about changes on
 * `channel`. Resolves once the first open attempt settled.
 */
export async function createResilientStore(open: () => Promise<Store>, log: DebugLog, channel?: BroadcastChannel, now: () => number = Date.now): Promise<Store> {
  let current!: Store;
  let device: string | undefined;
  let profile: Profile | undefined;
  let queue: Delta[] | undefined;
  let reduce: Reducer | undefined;
  let unsaved: TrackedEvent[] = [];
  let retryIn = RETRY_MS;
  let retryAt = 0;
  let retrying: Promise<void> | undefined;
  const changed = (): void => {
    if (current.mode === 'indexeddb') channel?.postMessage(1);
  };

  const toMemory = (error: unknown): void => {
    log.count('storage:fallback-memory', error);
    log.count('storage:fallback:' + fallbackReason(error));
    current = createMemoryStore({ device, profile, queue });
    retryAt = now() + retryIn;
    retryIn = Math.min(retryIn * 2, RETRY_MAX_MS);
  };

  // Back to IndexedDB: adopt this page's device id if the database has none, then replay.
  const retry = async (): Promise<void> => {
    try {
      const idb = await open();
      const memoryDevice = await current.deviceId();
      await idb.update<string>(DEVICE_KEY, (stored) => stored ?? memoryDevice);
      const result = reduce && unsaved.length ? await idb.commit(unsaved, reduce) : undefined;
      current = idb;
      unsaved = [];
      retryIn = RETRY_MS;
      profile = result?.profile ?? profile;
      log.info('storage: indexeddb again');
      changed();
    } catch (error) {
      toMemory(error);
    }
  };

  /** Runs an operation on the current store, moving to memory (and running it there) when IndexedDB fails. */
  const run = async <T>(operation: (store: Store) => Promise<T>): Promise<T> => {
    if (current.mode === 'memory' && retryAt && now() >= retryAt) await (retrying ??= retry().finally(() => (retrying = undefined)));
    if (current.mode === 'indexeddb') {
      try {
        return await operation(current);
      } catch (error) {
        toMemory(error);
      }
    }
    return operation(current);
  };

  try {
    current = await open();
  } catch (error) {
    // Nothing seen yet: an empty memory store.
    toMemory(error);
  }

  return {
    get mode() {
      return current.mode;
    },
    suspend: () => current.suspend?.(),
    resume: () => current.resume?.(),
    deviceId: () => run(async (s) => (device = await s.deviceId())),
    loadProfile: () => run(async (s) => (profile = await s.loadProfile())),
    loadStart: () =>
      run(async (s) => {
        const start = await s.loadStart();
        ({ device, profile } = start);
        return start;
      }),
    commit: (events, reducer) =>
      run(async (s) => {
        reduce = reducer;
        const result = await s.commit(events, reducer);
        if (s.mode === 'memory') unsaved = unsaved.concat(events).slice(-REPLAY_LIMIT);
        profile = result.profile;
        changed();
        return result;
      }),
    readQueue: () => run(async (s) => (queue = await s.readQueue())),
    acknowledge: (sent) => run((s) => s.acknowledge(sent)),
    readEvents: () => run((s) => s.readEvents()),
    update: (key, fn) =>
      run(async (s) => {
        const value = await s.update(key, fn);
        if (key === 'profile') profile = value as Profile | undefined;
        changed();
        return value;
      }),
    takePending: () => run(async (s) => (await s.takePending?.()) ?? []),
    clear: () =>
      run(async (s) => {
        await s.clear();
        unsaved = [];
        profile = queue = device = undefined;
        changed();
      }),
  };
}
