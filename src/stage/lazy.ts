/**
 * The client's view of the second stage: the same functions as `stage.ts`,
 * usable before it has loaded. Sync calls made meanwhile wait for it; a sync
 * stopped meanwhile never starts.
 */
import type { ResolvedConfig } from '../config.js';
import { BUILTIN_MODEL, type Model } from '../core/model.js';
import type { Profile } from '../core/profile.js';
import type { DebugLog } from '../debug/log.js';
import type { OfferHost } from '../render/exit-offer.js';
import type { Store } from '../store/store.js';
import type { RestoreHost, Sync } from '../sync/connect.js';
import type { Stage } from './stage.js';
import { withStage } from './with-stage.js';

/** Starts syncing `store` once the second stage is there; see `sync/connect.ts`. */
export function startSync(config: ResolvedConfig, store: Store, log: DebugLog, onProfile: (profile: Profile) => void, newDevice = false, host: RestoreHost): Sync {
  let sync: Sync | undefined;
  let stopped = false;
  const started = new Promise<Sync | undefined>((resolve) =>
    withStage(
      (stage) => resolve(stopped ? undefined : (sync = stage.startSync(config, store, log, onProfile, newDevice, host))),
      (error) => resolve(void log.count('stage:load-failed', error)),
    ),
  );
  // Once loaded, calls go straight through: a flush on `pagehide` must send before the page is gone.
  const use = (call: (s: Sync) => Promise<void> | void): Promise<void> =>
    sync ? Promise.resolve(call(sync)) : started.then((s) => s && call(s));
  return {
    flush: (keepalive) => use((s) => s.flush(keepalive)),
    schedule: (events) => void use((s) => s.schedule(events)),
    pull: (force) => use((s) => s.pull(force)),
    stop: () => {
      stopped = true;
      sync?.stop();
    },
  };
}

/**
 * Validates a configured model. Only `init({ model })` of the npm build passes
 * one, and there the second stage is bundled, so this answers at once; the
 * built-in model stands in when the model is invalid (counted).
 */
export function configuredModel(input: unknown, log: DebugLog): Model {
  let model = BUILTIN_MODEL;
  withStage((stage) => {
    const parsed = stage.parseModel(input);
    if (parsed.ok) model = parsed.model;
    else log.count('model:rejected', parsed.reason);
  }, (error) => log.count('stage:load-failed', error));
  return model;
}

/** Asks the backend to erase `device`, proven by `deviceKey`; resolves false when the request or the second stage failed. */
export function forgetRemote(config: ResolvedConfig, device: string, deviceKey?: string): Promise<boolean> {
  return new Promise((resolve) => withStage((stage) => void stage.forgetRemote(config, device, deviceKey).then(resolve), () => resolve(false)));
}

/** Moves the page's memory state into durable storage once the second stage is there; rejects when it cannot load. */
export function persistMemoryState(...args: Parameters<Stage['persistMemoryState']>): ReturnType<Stage['persistMemoryState']> {
  return new Promise((resolve, reject) => withStage((stage) => stage.persistMemoryState(...args).then(resolve, reject), reject));
}

/** Starts exit-intent offers when one is possible for this visitor; only then is the second stage needed for them. */
export function startExitOffers(host: OfferHost, options: Parameters<Stage['startExitOffers']>[1]): void {
  if (options.perSession && host.choose().content) withStage((stage) => stage.startExitOffers(host, options), (error) => host.count('offer:load-failed', error));
}
