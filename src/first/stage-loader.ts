/**
 * Loading the second stage (`onetoone-stage.min.js`, next to the core
 * script) through the `onetoone` Trusted Types policy. The core lends the
 * stage the modules both need (`OneToOneShared`; `SHARED` in
 * `rollup.config.mjs` fails the build when the stage imports a name not lent
 * here), so they ship once.
 */
import { loadScript } from '../render/script-url.js';
import type { Stage } from './handoff.js';
import { SHARED } from './shared.js';

declare global {
  interface Window {
    OneToOneStage?: Stage;
    OneToOneShared?: typeof SHARED;
  }
}

/** Name of the second stage's file, next to the core script. */
export const STAGE_FILE = 'onetoone-stage.min.js';

/** Loads the second stage from next to `core` (the core script's URL); rejects when it cannot. */
export function loadStage(core: string | undefined): Promise<Stage> {
  // In a promise, so that a URL or a policy that throws rejects.
  return Promise.resolve().then(() => {
    window.OneToOneShared = SHARED;
    return loadScript(new URL(STAGE_FILE, core).href, () => window.OneToOneStage);
  });
}
