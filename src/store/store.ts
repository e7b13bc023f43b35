/**
 * The storage edge: one interface, an IndexedDB implementation (through
 * idb-keyval's `createStore`) and a memory implementation used when
 * IndexedDB is missing or failing.
 */
import type { TrackedEvent } from '../core/events.js';
import type { Delta } from '../core/merge.js';
import type { Profile } from '../core/profile.js';
import type { CommitResult, Reducer } from './state.js';

/** Where state currently lives. */
export type StorageMode = 'indexeddb' | 'memory';

/** The key a QA preview spec is remembered under (`render/preview.ts`). */
export const PREVIEW_KEY = 'preview';
/** The key set while QA keeps the debug panel open, so it reopens on the next page (`debug/open.ts`). */
export const PANEL_KEY = 'panel';

/** What the first decision of a page needs, read at once. */
export interface StartState {
  /** This browser's device id (created on first use). */
  device: string;
  /** The stored profile (empty when none). */
  profile: Profile;
  /** What sync cached under `model` (see `sync/pull.ts`), if anything. */
  model: unknown;
  /** The remembered QA preview spec (`render/preview.ts`), if any. */
  preview?: unknown;
  /** Set while QA keeps the debug panel open. */
  panel?: unknown;
  /** True when this page created the device (a first visit): the backend cannot know it yet. */
  created?: boolean;
}

/** Durable visitor state. */
export interface Store {
  /** Current storage mode. */
  readonly mode: StorageMode;
  /** This browser's device id, created on first use. */
  deviceId(): Promise<string>;
  /** The stored profile (empty when none). */
  loadProfile(): Promise<Profile>;
  /** Device id, profile and cached model in one transaction, so a page's first decision waits for one read. */
  loadStart(): Promise<StartState>;
  /** Folds events into the stored profile and queue in one atomic write; resolves once durable. */
  commit(events: readonly TrackedEvent[], reduce: Reducer): Promise<CommitResult>;
  /** The pending sync queue. */
  readQueue(): Promise<Delta[]>;
  /** Removes deltas the backend acknowledged. */
  acknowledge(sent: readonly Delta[]): Promise<void>;
  /** The most recent events, oldest first. */
  readEvents(): Promise<TrackedEvent[]>;
  /**
   * Reads and rewrites the value under `key` in one transaction (sync outbox,
   * model cache, the profile when merging a pulled replica); `fn` returning
   * `undefined` deletes it. Resolves with the new value once durable.
   */
  update<T>(key: string, fn: (stored: T | undefined) => T | undefined): Promise<T | undefined>;
  /** Erases everything this store holds. */
  clear(): Promise<void>;
  /** Removes and returns every stored pre-stage buffer entry, oldest first, in one transaction (IndexedDB only: nothing else holds them). */
  takePending?(): Promise<unknown[]>;
  /**
   * The page is frozen or entering the back/forward cache: start no transaction,
   * abort those in flight (they run again on resume) and close the connection.
   * Absent where there is no connection (memory).
   */
  suspend?(): void;
  /** The page runs again: operations reopen the connection. */
  resume?(): void;
}

/** Creates a random id: `crypto.randomUUID` where available (secure contexts), else 32 hex digits. */
export function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  // A Uint8Array truncates what it stores, so Math.random() * 256 is a byte.
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else bytes.forEach((_, i) => (bytes[i] = Math.random() * 256));
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
}
