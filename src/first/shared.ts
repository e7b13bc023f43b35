/**
 * What the core lends the second stage: the functions both need (deciding,
 * showing slots, the connection, the visit's context, consent, the log, the
 * configuration checks), so
 * the stage does not ship them again, and the one `onetoone` Trusted Types
 * policy (a second one is refused under strict CSP). The stage build
 * (`lend()` in `rollup.config.mjs`) reads this file: every name imported here
 * is taken from `window.OneToOneShared` (by its index in `SHARED`) in the stage instead of bundled; a
 * module's other exports still come from the module itself.
 */
import { learned, slotFeedback } from '../core/bandit.js';
import { choose, decideSlot } from '../core/decide.js';
import { candidateFeatures, sharedVisitorFeatures } from '../core/features.js';
import { BUILTIN_MODEL, cachedModel, dict, slotCandidates } from '../core/model-shape.js';
import { hash32 } from '../core/random.js';
import { satisfies } from '../core/rule.js';
import { logit, sigmoid } from '../core/score.js';
import { snapshotNumber } from '../core/snapshot.js';
import { decisionContext } from '../collect/context.js';
import { checkName, fail, integer, oneOf } from '../config-checks.js';
import { attributeNumber, readItem } from '../collect/item.js';
import { pageViewEvent, switchedLoadEvents } from '../collect/page-view.js';
import { rememberConsent, startingConsent } from '../consent/consent.js';
import { createDebugLog } from '../debug/log.js';
import { pageDecisions } from './decisions.js';
import { slotOptions, visitorOptions } from './decide-options.js';
import { readPreview } from './preview.js';
import { addAntiFlicker } from '../render/anti-flicker.js';
import { renderSlots } from '../render/page-slots.js';
import { loadScript } from '../render/script-url.js';
import { createConnection } from '../store/connection.js';
import { watchPageLifecycle } from '../store/page-lifecycle.js';
import { setUpDatabase } from '../store/setup.js';
import { randomId } from '../store/store.js';

/**
 * The lent functions and values, in the order the stage build reads them by
 * index (`lend()` in `rollup.config.mjs`): an array, not an object, so that
 * neither file ships the names as property keys. Only what the stage uses
 * is lent: an entry the stage does not read would cost the core bytes for nothing.
 */
export const SHARED = [
  learned, slotFeedback, choose, decideSlot, candidateFeatures, sharedVisitorFeatures, BUILTIN_MODEL, cachedModel, dict, slotCandidates, hash32,
  satisfies, logit, sigmoid, snapshotNumber, decisionContext, attributeNumber, readItem, pageViewEvent, switchedLoadEvents, rememberConsent, startingConsent,
  createDebugLog, pageDecisions, slotOptions, visitorOptions, readPreview, addAntiFlicker, renderSlots, loadScript, createConnection,
  watchPageLifecycle, setUpDatabase, randomId, checkName, fail, integer, oneOf,
];
