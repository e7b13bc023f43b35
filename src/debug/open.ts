/**
 * Mounting the panel: a host element with a shadow root (page styles cannot
 * reach in), the panel's stylesheet adopted into it, and a toggle on the
 * `o2o:debug` event that `client.debug()` dispatches.
 */
import { h, render } from 'preact';
import type { OneToOne } from '../client.js';
import type { InspectableClient } from './internals.js';
import { DEBUG_EVENT } from './loader.js';
import { installNetwork } from './network.js';
import { Panel } from './panel.js';
import { PANEL_CSS } from './panel-style.js';

const HOST_ID = 'o2o-debug';
const REMEMBER_KEY = 'o2o_debug';

function remember(open: boolean): void {
  try {
    if (open) sessionStorage.setItem(REMEMBER_KEY, '1');
    else sessionStorage.removeItem(REMEMBER_KEY);
  } catch {
    // Storage blocked: the panel just does not reopen on the next page.
  }
}

function shadowFor(host: HTMLElement): ShadowRoot {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PANEL_CSS);
  root.adoptedStyleSheets = [sheet];
  return root;
}

/** Whether the panel is open in this document. */
export function isPanelOpen(doc: Document = document): boolean {
  return !!doc.getElementById(HOST_ID);
}

/** Closes the panel (and forgets it for this tab). */
export function closeDebugPanel(doc: Document = document): void {
  const host = doc.getElementById(HOST_ID);
  if (!host?.shadowRoot) return;
  render(null, host.shadowRoot);
  host.remove();
  remember(false);
}

/** Opens the panel for `client`; it stays open across pages of this tab until closed. */
export function openDebugPanel(client: OneToOne): void {
  if (isPanelOpen()) return;
  const host = document.createElement('div');
  host.id = HOST_ID;
  (document.body ?? document.documentElement).append(host);
  remember(true);
  render(h(Panel, { client: client as InspectableClient, network: installNetwork(), onClose: () => closeDebugPanel() }), shadowFor(host));
}

/** Toggles the panel whenever a client's `debug()` is called. Returns a function that stops listening. */
export function installDebugPanel(): () => void {
  const toggle = (event: Event): void => {
    const client = (event as CustomEvent<OneToOne | undefined>).detail;
    if (isPanelOpen()) closeDebugPanel();
    else if (client) openDebugPanel(client);
  };
  addEventListener(DEBUG_EVENT, toggle);
  return () => removeEventListener(DEBUG_EVENT, toggle);
}
