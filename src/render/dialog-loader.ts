/**
 * Loads the offer dialog (`onetoone-dialog.min.js`, next to the core script,
 * or the `dialogUrl` option) only when an offer may be shown. The script
 * element's URL goes through the Trusted Types policy `onetoone` (see
 * `script-url.ts`), so it works under `require-trusted-types-for 'script'`.
 */
import type { OfferContent } from '../core/offer.js';
import { loadScript } from './script-url.js';

/** What the dialog reports back. */
export interface DialogEvents {
  /** The visitor closed it (button, Escape or backdrop). */
  closed(): void;
  /** The visitor followed its action; resolves once the click is recorded, so a navigation can wait for it. */
  clicked(): Promise<unknown> | void;
}

/** Opens the offer dialog. */
export type OpenDialog = (content: OfferContent, events: DialogEvents) => void;

declare global {
  interface Window {
    OneToOneDialog?: OpenDialog;
  }
}

// Read while the core script runs: `currentScript` is only set then.
const core = typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src;

/** URL of the dialog file, next to the core script; `undefined` where the core was not loaded by a script tag. */
export const DIALOG_URL = core ? new URL('onetoone-dialog.min.js', core).href : undefined;

let loading: Promise<OpenDialog> | undefined;

/** Loads the dialog once; later calls share the same promise. */
export function loadDialog(url: string): Promise<OpenDialog> {
  return (loading ??= loadScript(url, () => window.OneToOneDialog));
}
