/**
 * What the debug panel reads from a running client besides its public API.
 * `Client.inspect()` returns it; it is not part of the public API and may change.
 */
import type { Model } from '../core/model.js';
import type { Profile } from '../core/profile.js';
import type { Store } from '../store/store.js';
import type { DebugLog } from './log.js';
import type { OneToOne } from '../api.js';

/** Live internals of one client, read fresh on every panel refresh. */
export interface ClientInternals {
  /** The store in use now (IndexedDB or memory). */
  store: Store;
  /** The client's debug log (counters and messages). */
  log: DebugLog;
  /** The model deciding this page view. */
  model: Model;
  /** The stored profile, once loaded. */
  profile: Profile | undefined;
}

/** A client that can be inspected. */
export type InspectableClient = OneToOne & { inspect?: () => ClientInternals };
