/**
 * The second stage: everything a page needs after its first decision — the
 * full client (event validation, the profile reducer, the collectors, the
 * resilient store, sync, offers, `dataLayer`, recommendations, the decision
 * log) and the debug panel's loader. The script tag's first file loads it as
 * `onetoone-stage.min.js` and starts it with its handoff; npm builds bundle
 * the client directly (`src/init.ts`).
 */
import type { Stage } from '../first/handoff.js';
import { startFromHandoff } from '../second/client.js';
import { resolveStageConfig } from '../config.js';
import { watchDebug } from '../debug/loader.js';

/** The second stage's entry point. */
export const STAGE: Stage = {
  start: (handoff) => {
    let config;
    try {
      config = resolveStageConfig(handoff.config, location.href);
    } catch (error) {
      // Reported once, like the first file's options; the stage does not start (the page keeps its first decisions).
      console.error((error as Error).message);
      throw error;
    }
    const client = startFromHandoff(handoff, config);
    watchDebug(client, handoff.script);
    return client;
  },
};
