/**
 * The second stage: code every page may need, but never before its first
 * decision — sync (sender, pulls, transports, erase request) and the
 * exit-intent offer flow, and the `dataLayer` reader (the array keeps what is
 * pushed before it arrives). npm builds import it directly; the script tag loads
 * it as `onetoone-stage.min.js` after the page's slots are shown.
 */
import { watchDataLayer } from '../collect/data-layer.js';
import { startExitOffers } from '../render/exit-offer.js';
import { forgetRemote, startSync } from '../sync/connect.js';
import { parseModel } from '../core/model.js';
import { forgetWipeFlag, noticeWipe } from '../store/wipe-flag.js';
import { activeDecisionLog } from '../log/decision-logger.js';
import { persistMemoryState } from '../second/persist-memory-state.js';
import { offerConversion } from '../render/offer-conversion.js';

/** What the second stage provides. */
export interface Stage {
  /** See {@link startSync}. */
  startSync: typeof startSync;
  /** See {@link forgetRemote}. */
  forgetRemote: typeof forgetRemote;
  /** See {@link startExitOffers}. */
  startExitOffers: typeof startExitOffers;
  /** See {@link watchDataLayer}. */
  watchDataLayer: typeof watchDataLayer;
  /** See {@link parseModel}: the model validator ships here, where pulled models are validated before they are cached. */
  parseModel: typeof parseModel;
  /** See {@link persistMemoryState}: needed only when consent is granted after the page started. */
  persistMemoryState: typeof persistMemoryState;
  /** See {@link offerConversion}: needed only after a conversion event is stored. */
  offerConversion: typeof offerConversion;
}

/** The second stage's functions. */
export const STAGE: Stage = {
  // A page that created the database tells a wipe from a new visitor here, off the first decision's path.
  startSync: (config, store, log, onProfile, newDevice, host) => (newDevice && noticeWipe(config.databaseName, log), startSync(config, store, log, onProfile, newDevice, host)),
  // forget() erases this browser's traces, the wipe flag included.
  forgetRemote: (config, device, deviceKey) => (forgetWipeFlag(config.databaseName), forgetRemote(config, device, deviceKey)),
  // The offer shown is a decision the decision log records.
  startExitOffers: (host, options) => startExitOffers({ ...host, decided: (decision) => activeDecisionLog()?.decided(decision) }, options),
  watchDataLayer,
  parseModel,
  persistMemoryState,
  offerConversion,
};
