/**
 * Sync as the client sees it: picks the transport, starts the sender, pulls
 * the model and the remote profile (OneToOne protocol only), and sends the
 * erase request of `forget()`.
 */
import type { ResolvedConfig } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Replica } from '../core/merge.js';
import type { Profile } from '../core/profile.js';
import { migrateProfile } from '../store/state.js';
import type { Store } from '../store/store.js';
import { type CachedModel, joinReplica, pullModel, pullProfile } from './pull.js';
import { segmentTransport } from './segment.js';
import { type Sender, createSender } from './sender.js';
import { type Transport, jsonTransport } from './transport.js';

/** Pull at most this often unless asked (identify links devices), ms. */
export const PULL_INTERVAL_MS = 30 * 60_000;

/** The running sync of one client. */
export interface Sync extends Sender {
  /** Pulls the model and the remote profile; `force` skips the {@link PULL_INTERVAL_MS} wait. */
  pull(force?: boolean): Promise<void>;
}

/** The configured transport. */
export function transportOf(config: ResolvedConfig): Transport {
  const { transport, endpoint } = config;
  return typeof transport === 'function' ? transport : (transport === 'segment' ? segmentTransport : jsonTransport)(endpoint);
}

/**
 * Starts syncing `store`; `onProfile` receives the profile after a pulled replica was merged.
 * `newDevice`: this page created the device, so the start-up pull asks for the model only.
 */
export function startSync(config: ResolvedConfig, store: Store, log: DebugLog, onProfile: (profile: Profile) => void, newDevice = false): Sync {
  const sender = createSender({
    store,
    log,
    transport: transportOf(config),
    writeKey: config.writeKey,
    flushIntervalMs: config.flushIntervalMs,
    lockName: 'o2o-sync-' + config.databaseName,
  });

  let pulling: Promise<void> | undefined;
  async function pull(force = false): Promise<void> {
    if (config.transport !== 'onetoone') return;
    const now = Date.now();
    let due = force;
    let previous: number | undefined;
    // Claiming the pull time first keeps other tabs from pulling at the same moment.
    await store.update<number>('pulled', (at) => ((previous = at), (due ||= !at || now - at > PULL_INTERVAL_MS) ? now : at));
    if (!due) return;
    const { endpoint, writeKey } = config;
    const device = await store.deviceId();
    let model: CachedModel | undefined;
    let replica: Replica | undefined;
    try {
      [model, replica] = await Promise.all([
        pullModel(endpoint, await store.update<CachedModel>('model', (m) => m), (reason) => log.count('model:rejected', reason)),
        // A device this page created is unknown to the backend until something links it (a forced pull).
        newDevice && !force ? undefined : pullProfile(endpoint, device, writeKey),
      ]);
    } catch (error) {
      // A failed pull releases its claim, so the next page tries again instead of waiting out the interval.
      await store.update<number>('pulled', (at) => (at === now ? previous : at));
      throw error;
    }
    if (model) await store.update('model', () => model);
    if (replica && Object.keys(replica).length) onProfile((await store.update<Profile>('profile', (p) => joinReplica(migrateProfile(p), device, replica))) as Profile);
  }

  const sync: Sync = {
    ...sender,
    // One pull at a time per tab: a second caller shares the one in flight.
    pull: (force) =>
      (pulling ??= pull(force)
        .catch((error: unknown) => log.count('sync:pull-failed', error))
        .finally(() => (pulling = undefined))),
  };
  // Deltas left by earlier pages go out soon after load.
  sender.schedule();
  whenSettled(() => void sync.pull());
  return sync;
}

/**
 * Runs `task` once the page has loaded and the browser is idle. A pull only
 * ever serves the next page (decisions never wait for the network), so it
 * yields to this page's own start instead of competing with it.
 */
function whenSettled(task: () => void): void {
  const idle = (): void => void (window.requestIdleCallback ?? setTimeout)(task);
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}

/** Asks the backend to erase `device` (and what is linked to it); resolves false when the request failed. */
export async function forgetRemote(config: ResolvedConfig, device: string): Promise<boolean> {
  try {
    const { status } = await transportOf(config)({ kind: 'forget', device, writeKey: config.writeKey });
    return status >= 200 && status < 300;
  } catch {
    return false;
  }
}
