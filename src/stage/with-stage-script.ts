/**
 * Reaching the second stage from the script tag: loads
 * `onetoone-stage.min.js` from next to the core script on first use, through
 * the `onetoone` Trusted Types policy.
 */
import { PROTOTYPE_KEYS, isField, isFieldKey, joinFields } from '../core/field.js';
import { loadScript, setScriptSrc } from '../render/script-url.js';
import { foldEvents, migrateProfile } from '../store/state.js';
import { randomId } from '../store/store.js';
import type { Stage } from './stage.js';

/**
 * What the core lends the second stage: functions it already contains, so the
 * stage neither repeats them nor creates a second `onetoone` policy. The stage
 * build reads their modules as external (`SHARED` in `rollup.config.mjs`,
 * which fails the build when the stage needs a name not lent here).
 */
export interface Shared {
  PROTOTYPE_KEYS: typeof PROTOTYPE_KEYS;
  isField: typeof isField;
  isFieldKey: typeof isFieldKey;
  joinFields: typeof joinFields;
  migrateProfile: typeof migrateProfile;
  foldEvents: typeof foldEvents;
  randomId: typeof randomId;
  setScriptSrc: typeof setScriptSrc;
  loadScript: typeof loadScript;
}

declare global {
  interface Window {
    OneToOneStage?: Stage;
    OneToOneShared?: Shared;
  }
}

/** Name of the second stage's file, next to the core script. */
export const STAGE_FILE = 'onetoone-stage.min.js';

// Read while the core script runs: `currentScript` is only set then.
const core = (document.currentScript as HTMLScriptElement | null)?.src;
let loading: Promise<Stage> | undefined;

/** Calls `use` with the second stage once it is loaded, or `failed` when it cannot load. */
export function withStage(use: (stage: Stage) => void, failed: (error: unknown) => void): void {
  // In a promise, so that a URL or a policy that throws reaches `failed`.
  (loading ??= Promise.resolve().then(() => {
    window.OneToOneShared = { PROTOTYPE_KEYS, isField, isFieldKey, joinFields, migrateProfile, foldEvents, randomId, setScriptSrc, loadScript };
    return loadScript(new URL(STAGE_FILE, core).href, () => window.OneToOneStage);
  }))
    .then(use)
    .catch(failed);
}
