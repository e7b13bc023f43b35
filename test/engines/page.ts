/**
 * Page functions the scenarios run inside the page (serialized: each uses only
 * its arguments and page globals) and small helpers built on them.
 */
import type { EngineSession } from './drivers/index.js';

/** The SDK's state once `OneToOne.ready` settled, or what is known when it did not in time. */
export interface SdkState {
  ready: boolean;
  storageMode: string | null;
  consent: string | null;
  path: string;
}

/** Page function: waits (in the page, up to `ms`) for the client and its `ready`, then reads its storage mode. */
export function sdkState(ms: number): Promise<SdkState> {
  type Client = { ready: Promise<void>; storageMode: string; consent: string };
  const w = window as unknown as { OneToOne?: Client };
  const read = (ready: boolean): SdkState => ({ ready, storageMode: w.OneToOne?.storageMode ?? null, consent: w.OneToOne?.consent ?? null, path: location.pathname });
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    const check = (): void => {
      if (w.OneToOne?.ready) {
        const timer = setTimeout(() => resolve(read(false)), Math.max(0, deadline - Date.now()));
        void w.OneToOne.ready.then(() => (clearTimeout(timer), resolve(read(true))));
      } else if (Date.now() > deadline) resolve(read(false));
      else setTimeout(check, 20);
    };
    check();
  });
}

/** Page function: the hero slot's state and shown variant once decided, else null. */
export function heroDecided(): string | null {
  const hero = document.querySelector('[data-o2o-slot="hero"]');
  return hero?.getAttribute('data-o2o-state') === 'decided' ? hero.getAttribute('data-o2o-shown') : null;
}

/** What the SDK's IndexedDB holds, counted in the page; `hung` when a read does not answer within `ms`. */
export interface StoredCounts {
  hung: boolean;
  keys: number;
  events: number;
  eventNames: string[];
  device: string | null;
  model: boolean;
  /** Deltas waiting in the sync queue. */
  queue: number;
}

/** Page function: counts the keys and logged events of the `onetoone`/`kv` store without the SDK. */
export function storedCounts(ms: number): Promise<StoredCounts> {
  const empty: StoredCounts = { hung: false, keys: 0, events: 0, eventNames: [], device: null, model: false, queue: 0 };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ...empty, hung: true }), ms);
    const done = (value: StoredCounts): void => (clearTimeout(timer), resolve(value));
    const open = indexedDB.open('onetoone');
    // Never create the database: an empty one would be taken by the SDK for its own.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => done(empty);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('kv')) return (db.close(), done(empty));
      const store = db.transaction('kv', 'readonly').objectStore('kv');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        db.close();
        const entries = keys.result.map((key, i) => [key, values.result[i]] as const);
        const events = entries.filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, v]) => v as { name: string } | Array<{ name: string }>);
        const queued = entries.find(([key]) => key === 'queue')?.[1];
        const queue = Array.isArray(queued) ? queued.length : 0;
        done({
          hung: false,
          keys: entries.length,
          events: events.length,
          eventNames: events.map((e) => e.name),
          device: (entries.find(([key]) => key === 'device')?.[1] as string | undefined) ?? null,
          model: entries.some(([key]) => key === 'model'),
          queue,
        });
      };
    };
  });
}

/** Page function: the shows recorded in this tab (see drivers/recorder.ts). */
export function recordedShows(key: string): Array<{ path: string; persisted: boolean }> {
  return JSON.parse(sessionStorage.getItem(key) ?? '[]') as Array<{ path: string; persisted: boolean }>;
}

/** The hero as decided: the variant shown and the states it went through (`['late', 'decided']`: the SDK ran after first paint). */
export interface HeroReport {
  shown: string;
  states: string[];
}

/** Page function: the states the hero went through, as the recorder saw them. */
export function heroStates(): string[] {
  return (window as unknown as { __enginesHeroStates?: string[] }).__enginesHeroStates ?? [];
}

/** Waits until the hero is decided; the variant shown and how it got there. */
export async function heroReport(session: EngineSession, timeoutMs = 10_000): Promise<HeroReport> {
  const shown = await heroShown(session, timeoutMs);
  return { shown, states: await session.evaluate(heroStates) };
}

/** Waits until the hero is decided and returns the variant shown. */
export function heroShown(session: EngineSession, timeoutMs = 10_000): Promise<string> {
  return session.waitFor('the hero decided', timeoutMs, heroDecided);
}

/** Waits until the collector's model is cached in IndexedDB (pulled after the first page's load, used from the next). */
export async function modelCached(session: EngineSession, timeoutMs = 10_000): Promise<void> {
  await session.waitFor('the model cached in IndexedDB', timeoutMs, async (ms: number) => {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const open = indexedDB.open('onetoone');
      // Never create the database: an empty one would be taken by the SDK for its own.
      open.onupgradeneeded = () => open.transaction?.abort();
      open.onerror = () => (clearTimeout(timer), resolve(false));
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('kv')) return (db.close(), clearTimeout(timer), resolve(false));
        const get = db.transaction('kv', 'readonly').objectStore('kv').getKey('model');
        get.onsuccess = () => (db.close(), clearTimeout(timer), resolve(get.result !== undefined));
      };
    });
  }, 2000);
}

/** Page function: calls `OneToOne[method](...args)` once the client is ready and returns its (awaited) result. */
export async function callClient(method: string, ...args: unknown[]): Promise<unknown> {
  const client = (window as unknown as { OneToOne: Record<string, unknown> & { ready: Promise<void> } }).OneToOne;
  await client.ready;
  const result = await (client[method] as (...a: unknown[]) => unknown)(...args);
  return result === undefined ? null : result;
}

/** Page function: the client's decision for `slot` (variant and group), or null. */
export function decisionOf(slot: string): { variant: string; group: string } | null {
  const client = (window as unknown as { OneToOne?: { decide(s: string): { variant: string; group: string } | undefined } }).OneToOne;
  const d = client?.decide(slot);
  return d ? { variant: d.variant, group: d.group } : null;
}

/** Page function: a number of the client's profile (e.g. `n.view_item`), or null. */
export function profileNumber(key: string): number | null {
  const client = (window as unknown as { OneToOne?: { profile(): { number(k: string): number | undefined } | undefined } }).OneToOne;
  return client?.profile()?.number(key) ?? null;
}

/** Page function: true once `OneToOne` exists (the async script ran). */
export function clientLoaded(): boolean {
  return 'OneToOne' in window;
}
