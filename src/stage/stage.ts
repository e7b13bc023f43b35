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
import { watchDebug } from '../debug/loader.js';

/** The second stage's entry point. */
export const STAGE: Stage = {
  start: (handoff) => {
    const client = startFromHandoff(handoff);
    watchDebug(client, handoff.script);
    return client;
  },
};
