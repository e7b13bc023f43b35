/**
 * The only part of the debug panel that ships in the script-tag core: it
 * loads `onetoone-debug.min.js` from next to the SDK script the first time
 * the panel is asked for — by `OneToOne.debug()`, Alt+Shift+O, or
 * `?o2o_debug=1` (which the panel remembers for the tab until it is closed).
 */
import type { OneToOne } from '../client.js';

/** The window event `debug()` dispatches; the loaded panel toggles on it. */
export const DEBUG_EVENT = 'o2o:debug';

/** Name of the panel's script-tag build, loaded from the SDK script's folder. */
export const PANEL_FILE = 'onetoone-debug.min.js';

/** Installs the loader, the keyboard shortcut and the `?o2o_debug=1` switch for the script tag at `src`. */
export function watchDebug(client: OneToOne, src: string | undefined): void {
  let requested = false;
  addEventListener(DEBUG_EVENT, () => {
    if (requested || !src) return;
    requested = true;
    const script = document.createElement('script');
    script.onload = () => client.debug();
    try {
      script.src = new URL(PANEL_FILE, src).href;
      document.head.append(script);
    } catch (error) {
      // A Trusted Types policy may refuse the URL; the page is unaffected.
      console.warn('OneToOne: the debug panel could not be loaded', error);
    }
  });
  addEventListener('keydown', (event) => {
    if (event.altKey && event.shiftKey && event.code === 'KeyO') client.debug();
  });
  let remembered: string | null = null;
  try {
    remembered = sessionStorage.getItem('o2o_debug');
  } catch {
    // Storage blocked: only the URL switch works.
  }
  if (remembered || location.search.includes('o2o_debug=1')) client.debug();
}
