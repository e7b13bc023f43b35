/**
 * The npm door's `init()`: the browser client on a page, an inert client
 * anywhere else (server rendering under Node, a worker). The script tag
 * always runs on a page and starts the browser client directly, so the inert
 * client never weighs on its bundle, nor does reading variants described in
 * code (`decide(slot, variants)`, Preact `<Slot tags>`): its variants are markup.
 */
import { type OneToOne, init as initOnPage } from './second/client.js';
import { type OneToOneConfig, resolveConfig } from './config.js';
import { hasPage, inertClient } from './inert-client.js';
import { describedCandidates } from './core/variants.js';

/**
 * Starts OneToOne on this page.
 *
 * Without a page (server rendering under Node, a worker) the configuration is
 * still checked, and the client returned is inert: every method is safe,
 * `decide()` returns the slot's default with an explanation line
 * `{ feature: 'no-page' }` saying why, nothing is stored or sent, and nothing
 * keeps the process alive (no timer, port or channel).
 * @throws {@link ConfigError} when the configuration is invalid; nothing else ever throws.
 */
export function init(config: OneToOneConfig): OneToOne {
  return hasPage() ? initOnPage(config, describedCandidates) : inertClient(resolveConfig(config));
}
