/**
 * Reaching the second stage from an npm build: it is bundled with the rest,
 * so it is handed over at once. The script-tag build replaces this module
 * with `with-stage-script.ts` (see `rollup.config.mjs`).
 */
import { STAGE, type Stage } from './stage.js';

/** Calls `use` with the second stage (here synchronously); `failed` is for builds that load it. */
export function withStage(use: (stage: Stage) => void, failed: (error: unknown) => void): void {
  try {
    use(STAGE);
  } catch (error) {
    failed(error);
  }
}
