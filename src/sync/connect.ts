/**
 * Sync as the client sees it: picks the transport, starts the sender, pulls
 * the model and the remote profile (OneToOne protocol only), and sends the
 * erase request of `forget()`.
 */
import type { ResolvedConfig } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Decision } from '../core/decide.js';
import type { TrackedEvent } from '../core/events.js';
import type { Replica } from '../core/merge.js';
import { startDecisionLog } from '../log/decision-logger.js';
import type { Profile } from '../core/profile.js';
import { type Reducer, foldEvents, migrateProfile } from '../store/state.js';
import type { Store } from '../store/store.js';
import { DEVICE_KEY, MODEL_KEY } from '../store/setup.js';
import { CREDENTIAL, type DeviceCredential, credentialOf } from './credential.js';
import { type CachedModel, joinReplica, pullModel, pullProfile } from './pull.js';
import { createRegistration } from './register.js';
import { segmentTransport } from './segment.js';
import { OUTBOX, type Sender, createSender } from './sender.js';
import { type Transport, jsonTransport } from './transport.js';
import { verdictFor } from './backoff.js';

/** Pull at most this often unless asked (identify links devices), ms. */
export const PULL_INTERVAL_MS = 30 * 60_000;

/** The running sync of one client. */
export interface Sync extends Sender {
  /** Pulls the model and the remote profile; `force` skips the {@link PULL_INTERVAL_MS} wait. */
  pull(force?: boolean): Promise<void>;
  /** Asks for a send after the flush interval; `events` just stored by this page feed the decision log's outcomes. */
  schedule(events?: readonly TrackedEvent[]): void;
  /** Logs a decision made outside the page's slots (the exit-intent offer shown). */
  decided(decision: Decision): void;
}

/** The configured transport. */
export function transportOf(config: ResolvedConfig): Transport {
  const { transport, endpoint } = config;
  return typeof transport === 'function' ? transport : (transport === 'segment' ? segmentTransport : jsonTransport)(endpoint);
}

/**
 * What a restored device needs from the client: the reducer, to fold this
 * device's logged events onto the restored device's state, and the client's
 * write chain, so no commit of this page runs in between.
 */
export interface RestoreHost {
  reduce: Reducer;
  /** Runs `task` after this page's pending writes and before later ones. */
  exclusive(task: () => Promise<void>): Promise<void>;
  /** This page's decisions so far, for the decision log (none: nothing is logged). */
  decisions?: () => Iterable<Decision>;
  /** Runs one write of the decision log or the pull once this page's events are written (the event writer's `background`). */
  background?: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * Starts syncing `store`; `onProfile` receives the profile after a pulled replica was merged.
 * `newDevice`: this page created the device, so the start-up pull asks for the model only.
 * `host`: see {@link RestoreHost}.
 */
export function startSync(config: ResolvedConfig, store: Store, log: DebugLog, onProfile: (profile: Profile) => void, newDevice = false, host: RestoreHost): Sync {
  const { endpoint, writeKey, transport } = config;
  const onetoone = transport === 'onetoone';

  /**
   * Rebuilds the profile on the restored device `device`: its pulled state is
   * the base, and this device's events (all it ever recorded: it never synced,
   * or the collector would know it) are folded onto it again, numbered after
   * the restored sequence so the collector applies them. The queue and any
   * batch cut from it are replaced; the credential is written last, so an
   * interrupted restore is simply answered and done again.
   */
  async function adopt(device: string, credential: DeviceCredential): Promise<void> {
    const replica = await pullProfile(endpoint, device, credential.key, writeKey);
    if (!replica) throw new Error('no restored profile');
    await host.exclusive(async () => {
      // Another tab of this browser registered the same new device at the same moment and adopted `device` first:
      // its rebuild folded the shared event log already, and a second fold would count every event twice.
      if ((await store.deviceId()) === device) return void (await store.update(CREDENTIAL, () => credential), onProfile(await store.loadProfile()));
      const { profile, queue } = foldEvents(joinReplica(migrateProfile(undefined), device, replica), [], await store.readEvents(), host.reduce);
      for (const [key, value] of [['profile', profile], ['queue', queue], [OUTBOX, undefined], [DEVICE_KEY, device], [CREDENTIAL, credential]] as const) await store.update(key, () => value);
      onProfile(profile);
    });
  }

  // Only the OneToOne protocol registers; a function transport gets the key for its own backend; Segment never.
  const registration = onetoone ? createRegistration(config, store, log, adopt) : undefined;
  let credential: DeviceCredential | undefined;
  const prove = registration ?? (typeof transport === 'function' ? async (): Promise<string> => (credential = await credentialOf(store, credential)).key : undefined);
  const sender = createSender(config, store, log, transportOf(config), prove);

  // The decision log speaks the OneToOne protocol only (docs/protocol.md, `POST /v1/decisions`).
  const decisionLog = registration && host.decisions
    ? startDecisionLog({
      endpoint, writeKey, store, log, prove: registration, decisions: host.decisions,
      flushIntervalMs: config.flushIntervalMs, lockName: 'o2o-log-' + config.databaseName, background: host.background,
    })
    : undefined;

  // The pull's writes, like the decision log's, wait for this page's events to be written: a pull
  // serves the next page, and a write of it queued ahead of an add to cart could cost the add.
  const later = host.background ?? (<T>(task: () => Promise<T>): Promise<T> => task());
  const update = <T>(key: string, fn: (stored: T | undefined) => T | undefined): Promise<T | undefined> => later(() => store.update<T>(key, fn));

  let pulling: Promise<void> | undefined;
  /** Pulls the model and, unless this page created the device and nothing forces it, the remote profile (OneToOne protocol only). */
  async function pull(force: boolean): Promise<void> {
    const now = Date.now();
    let due = force;
    let previous: number | undefined;
    // Claiming the pull time first keeps other tabs from pulling at the same moment.
    await update<number>('pulled', (at) => ((previous = at), (due ||= !at || now - at > PULL_INTERVAL_MS) ? now : at));
    if (!due) return;
    let device = '';
    const profile = async (): Promise<Replica | undefined> => {
      // Registration first (it may restore another device id); a refused device pulls the model only.
      const key = await registration!();
      device = await later(() => store.deviceId());
      // A device this page created is unknown to the backend until something links it (a forced pull).
      if (typeof key === 'string' && (force || !newDevice)) return pullProfile(endpoint, device, key, writeKey);
    };
    let model: CachedModel | undefined;
    let replica: Replica | undefined;
    try {
      [model, replica] = await Promise.all([pullModel(endpoint, await update<CachedModel>(MODEL_KEY, (m) => m), (reason) => log.count('model:rejected', reason)), profile()]);
    } catch (error) {
      // A failed pull releases its claim, so the next page tries again instead of waiting out the interval.
      await update<number>('pulled', (at) => (at === now ? previous : at));
      throw error;
    }
    if (model) await update(MODEL_KEY, () => model);
    if (replica && Object.keys(replica).length) onProfile((await update<Profile>('profile', (p) => joinReplica(migrateProfile(p), device, replica))) as Profile);
  }

  let stopped = false;
  const sync: Sync = {
    schedule(events) {
      decisionLog?.observe(events);
      sender.schedule();
    },
    async flush(keepalive) {
      await Promise.all([sender.flush(keepalive), decisionLog?.flush(keepalive)]);
    },
    decided: (decision) => decisionLog?.decided(decision),
    stop() {
      stopped = true;
      sender.stop();
      decisionLog?.stop();
    },
    // One pull at a time per tab: a second caller shares the one in flight. A stopped sync (consent withdrawn,
    // forget) asks nothing more, not even the start-up pull still waiting for the page to settle.
    pull: async (force = false) =>
      stopped || !onetoone ? undefined : (pulling ??= pull(force)
        .catch((error: unknown) => log.count('sync:pull-failed', error))
        .finally(() => (pulling = undefined))),
  };
  // Deltas left by earlier pages go out soon after load.
  sender.schedule();
  if (onetoone) whenSettled(() => void sync.pull());
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

/** Asks the backend to erase `device` (and what is linked to it), proving it with `deviceKey`; resolves false when the request failed. */
export async function forgetRemote(config: ResolvedConfig, device: string, deviceKey?: string): Promise<boolean> {
  try {
    return verdictFor((await transportOf(config)({ kind: 'forget', device, writeKey: config.writeKey, deviceKey })).status) === 'ok';
  } catch {
    return false;
  }
}
