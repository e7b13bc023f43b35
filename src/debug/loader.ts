/**
 * The only part of the debug panel that ships in the script-tag core: it
 * loads `onetoone-debug.min.js` from next to the SDK script the first time
 * the panel is asked for — by `OneToOne.debug()`, Alt+Shift+O, or
 * `?o2o_debug=1` (the panel is remembered with the visitor's state until it is closed).
 */
import type { OneToOne } from '../api.js';
import { loadScript } from '../render/script-url.js';

/** The window event `debug()` dispatches; the loaded panel toggles on it. */
export const DEBUG_EVENT = 'o2o:debug';

/** True when this page's URL asks for the panel (`?o2o_debug=1`). */
export const panelInUrl = (): boolean => location.search.includes('o2o_debug=1');

/** Name of the panel's script-tag build, loaded from the SDK script's folder. */
export const PANEL_FILE = 'onetoone-debug.min.js';

/** Installs the loader, the keyboard shortcut and the `?o2o_debug=1` switch for the script tag at `src`. */
export function watchDebug(client: OneToOne, src: string | undefined): void {
  let requested = !src;
  const open = (): void => client.debug();
  addEventListener(DEBUG_EVENT, () => {
    if (requested) return;
    requested = true;
    // A failed load or a refused URL (Trusted Types) means no panel; the page is unaffected.
    loadScript(new URL(PANEL_FILE, src).href, () => true).then(open, () => undefined);
  });
  addEventListener('keydown', (event) => event.altKey && event.shiftKey && event.code === 'KeyO' && open());
  // A panel left open on an earlier page is reopened by the client from its start read (see `debug/open.ts`).
  if (panelInUrl()) open();
}
