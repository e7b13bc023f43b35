/**
 * What the core lends the second stage: the functions both need (deciding,
 * showing slots, the connection, the visit's context, consent, the log), so
 * the stage does not ship them again, and the one `onetoone` Trusted Types
 * policy (a second one is refused under strict CSP). The stage build
 * (`lend()` in `rollup.config.mjs`) reads this file: every name imported here
 * is taken from `window.OneToOneShared` (by its index in `SHARED`) in the stage instead of bundled; a
 * module's other exports still come from the module itself.
 */
import { learned, slotFeedback } from '../core/bandit.js';
import { DEFAULT_VARIANT, choose, decideSlot, inHoldout } from '../core/decide.js';
import { explain } from '../core/explain.js';
import { candidateFeatures, sessionLive, sharedVisitorFeatures, tagStrength, visitorFeatures } from '../core/features.js';
import { lifecycleStage } from '../core/lifecycle.js';
import { BUILTIN_MODEL, dict, isModelShaped, slotCandidates } from '../core/model-shape.js';
import { hash32, normalFrom, unitHash } from '../core/random.js';
import { satisfies } from '../core/rule.js';
import { logit, sigmoid, weightOf, weightsOf } from '../core/score.js';
import { registerNumber, snapshotNumber, snapshotRegister } from '../core/snapshot.js';
import { collectContext, deviceClass, referrerClass, sessionNumber } from '../collect/context.js';
import { attributeNumber, readItem } from '../collect/item.js';
import { pageLoadEvents } from '../collect/page-view.js';
import { rememberConsent, startingConsent } from '../consent/consent.js';
import { createDebugLog } from '../debug/log.js';
import { pageDecisions } from './decisions.js';
import { slotOptions, visitorOptions } from './decide-options.js';
import { readPreview } from './preview.js';
import { addAntiFlicker, antiFlickerCss, canSwap, lateReason } from '../render/anti-flicker.js';
import { observeSlotFeedback } from '../render/feedback.js';
import { renderSlots } from '../render/page-slots.js';
import { parsePreview, previewParam } from '../render/preview.js';
import { loadScript, setScriptSrc } from '../render/script-url.js';
import { findSlots, readSlot, showVariant } from '../render/slots.js';
import { createConnection } from '../store/connection.js';
import { watchPageLifecycle } from '../store/page-lifecycle.js';
import { setUpDatabase } from '../store/setup.js';
import { randomId } from '../store/store.js';

/**
 * The lent functions and values, in the order the stage build reads them by
 * index (`lend()` in `rollup.config.mjs`): an array, not an object, so that
 * neither file ships the ~60 names as property keys.
 */
export const SHARED = [
  learned, slotFeedback, DEFAULT_VARIANT, choose, decideSlot, inHoldout, explain, candidateFeatures, sessionLive, sharedVisitorFeatures,
  tagStrength, visitorFeatures, lifecycleStage, BUILTIN_MODEL, dict, isModelShaped, slotCandidates, hash32, normalFrom, unitHash, satisfies,
  logit, sigmoid, weightOf, weightsOf, registerNumber, snapshotNumber, snapshotRegister, collectContext, deviceClass, referrerClass,
  sessionNumber, attributeNumber, readItem, pageLoadEvents, rememberConsent, startingConsent, createDebugLog, pageDecisions, slotOptions,
  visitorOptions, readPreview, addAntiFlicker, antiFlickerCss, canSwap, lateReason, observeSlotFeedback, renderSlots, parsePreview,
  previewParam, loadScript, setScriptSrc, findSlots, readSlot, showVariant, createConnection, watchPageLifecycle, setUpDatabase, randomId,
];
