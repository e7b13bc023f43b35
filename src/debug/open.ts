/**
 * Mounting the panel: a host element with a shadow root (page styles cannot
 * reach in), the panel's stylesheet adopted into it, and a toggle on the
 * `o2o:debug` event that `client.debug()` dispatches.
 */
import { h, render } from 'preact';
import type { OneToOne } from '../api.js';
import type { InspectableClient } from './internals.js';
import { DEBUG_EVENT } from './loader.js';
import { installNetwork } from './network.js';
import { Panel } from './panel.js';
import { PANEL_CSS } from './panel-style.js';
import { rememberPanel } from './remember.js';

const HOST_ID = 'o2o-debug';

/** The client whose panel is open. */
let shown: InspectableClient | undefined;

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

/** Closes the panel (and forgets it, so the next page does not reopen it). */
export function closeDebugPanel(doc: Document = document): void {
  const host = doc.getElementById(HOST_ID);
  if (!host?.shadowRoot) return;
  render(null, host.shadowRoot);
  host.remove();
  void rememberPanel(shown, false);
  shown = undefined;
}

/** Opens the panel for `client`; it reopens on the next pages of this site until closed. */
export function openDebugPanel(client: OneToOne): void {
  if (isPanelOpen()) return;
  const host = document.createElement('div');
  host.id = HOST_ID;
  (document.body ?? document.documentElement).append(host);
  shown = client as InspectableClient;
  void rememberPanel(shown, true);
  render(h(Panel, { client: shown, network: installNetwork(), onClose: () => closeDebugPanel() }), shadowFor(host));
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
