/**
 * Sync as the client starts and stops it: the wipe flag rides along (a page
 * that created the database tells a wipe from a new visitor, off the first
 * decision's path; `forget()` erases the flag with everything else).
 */
import type { ResolvedConfig } from '../config.js';
import type { Profile } from '../core/profile.js';
import type { DebugLog } from '../debug/log.js';
import type { Store } from '../store/store.js';
import { forgetWipeFlag, noticeWipe } from '../store/wipe-flag.js';
import { type RestoreHost, type Sync, forgetRemote, startSync } from '../sync/connect.js';

/** Starts syncing `store`; see `sync/connect.ts`. */
export function startSyncing(config: ResolvedConfig, store: Store, log: DebugLog, onProfile: (profile: Profile) => void, newDevice: boolean | undefined, host: RestoreHost): Sync {
  if (newDevice) noticeWipe(config.databaseName, log);
  return startSync(config, store, log, onProfile, newDevice, host);
}

/** Asks the backend to erase `device`, proven by `deviceKey`, and forgets the wipe flag; resolves false when the request failed. */
export function forgetEverywhere(config: ResolvedConfig, device: string, deviceKey?: string): Promise<boolean> {
  forgetWipeFlag(config.databaseName);
  return forgetRemote(config, device, deviceKey);
}
