/**
 * The API of the first file: the `OneToOne` object and `o2o()` of the script
 * tag before the second stage ran, and a pass-through once it runs. Calls
 * that need the full client wait in the pre-stage buffer; `decide` and
 * `onDecision` answer from the page's first decisions; nothing throws.
 */
import type { OneToOne } from '../api.js';
import type { ConsentState } from '../config.js';
import { hasOwn } from '../core/field.js';
import type { DebugLog } from '../debug/log.js';
import type { StorageMode } from '../store/store.js';
import type { PreStageBuffer } from './buffer.js';
import type { PageDecisions } from './decisions.js';
import type { StageClient } from './handoff.js';

/** What the API reads from the first file. */
export interface FirstState {
  log: DebugLog;
  decisions: PageDecisions;
  buffer: PreStageBuffer;
  /** The full client, once the second stage started it. */
  client?: StageClient;
  consent: ConsentState;
  /** Where the first read found the visitor's state: `indexeddb` when it read through a connection. */
  storage?: StorageMode;
  /** Resolves when the full client is ready (never, when the stage cannot load). */
  ready: Promise<void>;
  /** Applies a consent change at once (remembered, gates the buffer's writes). */
  setConsent(state: ConsentState): void;
  /** Records a page view now (`page()` before the stage). */
  page(properties?: unknown): void;
}

/** Creates the page's `OneToOne` object over `state`. */
export function firstApi(state: FirstState): OneToOne {
  const later = (method: string) => (...args: unknown[]): Promise<never> => {
    const client = state.client as unknown as Record<string, (...a: unknown[]) => Promise<never>> | undefined;
    return client ? client[method]!(...args) : (state.buffer.push([Date.now(), method, ...args]) as Promise<never>);
  };
  return {
    get ready() {
      return state.ready;
    },
    get storageMode(): StorageMode {
      return state.client?.storageMode ?? state.storage ?? 'memory';
    },
    get counters() {
      return state.log.counters;
    },
    get consent() {
      return state.client?.consent ?? state.consent;
    },
    track: later('track'),
    identify: later('identify'),
    flush: later('flush'),
    forget: later('forget'),
    page: (properties) => (state.client ? state.client.page(properties) : (state.page(properties), Promise.resolve())),
    setConsent: (value) => {
      if (state.client) return state.client.setConsent(value);
      state.setConsent(value);
      return state.buffer.push([Date.now(), 'setConsent', value]) as Promise<void>;
    },
    debug: () => void later('debug')(),
    decide: (slot, variants) => (state.client ? state.client.decide(slot, variants) : state.decisions.made.get(slot)),
    onDecision: (callback) => state.decisions.listen(callback),
    recommend: (slot, n) => state.client?.recommend(slot, n) ?? [],
    profile: () => state.client?.profile(),
    context: () => state.client?.context(),
  };
}

/** Calls one `o2o(method, ...args)` on `api`; never throws, so one bad call cannot stop the queue's replay or the caller. */
export function dispatch(api: OneToOne, log: DebugLog, call: ArrayLike<unknown>): unknown {
  try {
    const [method, ...args] = Array.from(call);
    // The public API's methods only: its own function members (not its getters, nor what every object inherits).
    if (typeof method !== 'string' || !hasOwn(api, method) || typeof api[method as keyof OneToOne] !== 'function') {
      console.error(`OneToOne: o2o(${typeof method === 'string' ? JSON.stringify(method.slice(0, 64)) : `"${typeof method}"`}) is not a method; see the README's API section.`);
      return undefined;
    }
    return (api[method as keyof OneToOne] as (...a: unknown[]) => unknown)(...args);
  } catch (error) {
    log.count('o2o:threw', error);
    return undefined;
  }
}
