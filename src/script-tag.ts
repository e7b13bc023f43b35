/**
 * The script-tag door. Site owners paste
 *
 * ```html
 * <script async src="/dist/onetoone.min.js" data-endpoint="https://o2o.example.com"></script>
 * ```
 *
 * Options come from the tag's `data-*` attributes (`data-write-key`,
 * `data-consent`, `data-debug`, …). Calls made before the script loaded are
 * queued with the documented stub `window.o2o = window.o2o || function(){(o2o.q=o2o.q||[]).push(arguments)}`
 * and replayed in order. Invalid configuration is reported once on the console;
 * the page keeps its default content.
 */
import { type OneToOne, init } from './client.js';
import { configFromDataset } from './script-config.js';
import { watchDebug } from './debug/loader.js';
import type { InspectableClient } from './debug/internals.js';

type QueuedCall = ArrayLike<unknown>;
type Stub = ((...args: unknown[]) => unknown) & { q?: QueuedCall[] };
declare global {
  interface Window {
    o2o?: Stub;
  }
}

/** The methods `o2o()` may call: the public API only (not inherited members, not the client's internals). */
const METHODS: ReadonlySet<string> = new Set<keyof OneToOne>([
  'track', 'identify', 'decide', 'recommend', 'onDecision', 'profile', 'flush', 'forget', 'page', 'context', 'setConsent', 'debug',
]);

/** Calls one `o2o(method, ...args)`; never throws, so one bad call cannot stop the queue's replay or the caller. */
function dispatch(client: OneToOne, call: QueuedCall): unknown {
  try {
    const [method, ...args] = Array.from(call);
    if (typeof method !== 'string' || !METHODS.has(method)) {
      console.error(`OneToOne: o2o(${typeof method === "string" ? JSON.stringify(method.slice(0, 64)) : `"${typeof method}"`}) is not a method; see the README's API section.`);
      return undefined;
    }
    return (client[method as keyof OneToOne] as (...a: unknown[]) => unknown).apply(client, args);
  } catch (error) {
    (client as InspectableClient).inspect?.().log.count('o2o:threw', error);
    return undefined;
  }
}

function start(): OneToOne | undefined {
  const script = document.currentScript as HTMLScriptElement | null;
  let client: OneToOne;
  try {
    client = init(configFromDataset(script?.dataset ?? {}) as unknown as Parameters<typeof init>[0]);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return undefined;
  }
  const queued = window.o2o?.q ?? [];
  const stub: Stub = (...args: unknown[]) => dispatch(client, args);
  window.o2o = stub;
  queued.forEach((call) => dispatch(client, call));
  watchDebug(client, script?.src);
  return client;
}

/** The running client (the `OneToOne` global), or `undefined` when the configuration was invalid. */
const client: OneToOne | undefined = start();
export default client;
