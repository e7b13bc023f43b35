/**
 * Where an open debug panel is remembered: with the visitor's state, which the
 * client reads on every page anyway (Web Storage would cost every visitor's
 * page a synchronous first read). Before consent nothing is stored, so the
 * panel then lasts for the page.
 */
import { PANEL_KEY } from '../store/store.js';
import type { InspectableClient } from './internals.js';

/** Remembers (or forgets) that QA keeps the panel open, so the next page reopens it (or not). */
export function rememberPanel(client: InspectableClient | undefined, open: boolean): Promise<unknown> {
  // After `ready`: a panel opened by `?o2o_debug=1` can be up before the client has opened IndexedDB,
  // and a write to the memory store it starts with would be lost.
  return client ? client.ready.then(() => client.inspect?.().store.update(PANEL_KEY, () => (open ? 1 : undefined))).catch(() => undefined) : Promise.resolve();
}
