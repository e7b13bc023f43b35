/**
 * The second stage: code every page may need, but never before its first
 * decision — sync (sender, pulls, transports, erase request) and the
 * exit-intent offer flow. npm builds import it directly; the script tag loads
 * it as `onetoone-stage.min.js` after the page's slots are shown.
 */
import { startExitOffers } from '../render/exit-offer.js';
import { forgetRemote, startSync } from '../sync/connect.js';

/** What the second stage provides. */
export interface Stage {
  /** See {@link startSync}. */
  startSync: typeof startSync;
  /** See {@link forgetRemote}. */
  forgetRemote: typeof forgetRemote;
  /** See {@link startExitOffers}. */
  startExitOffers: typeof startExitOffers;
}

/** The second stage's functions. */
export const STAGE: Stage = { startSync, forgetRemote, startExitOffers };
