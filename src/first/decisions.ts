/**
 * The decisions of one page view, one per slot, and who listens for them.
 * Made before anything else of the page view is done; read by the second
 * stage (the decision log, restores) afterwards.
 */
import type { Decision } from '../core/decide.js';
import type { DebugLog } from '../debug/log.js';

/** The `feature` of the explanation line a decision gets when its forced variant could not be shown. */
export const PREVIEW_MISSING = 'preview-missing';

/** This page view's decisions and their listeners. */
export interface PageDecisions {
  /** The decisions made so far, by slot. */
  readonly made: ReadonlyMap<string, Decision>;
  /**
   * Records a decision of this page view (one per slot), logs it in debug mode and tells every listener.
   * A forced variant the slot could not show (`forced`, no markup or description for it here, or not
   * eligible) left the default, with group `preview`: the decision says so first. The text is short (the
   * script-tag core carries it); the debug panel explains it in full.
   */
  add(decision: Decision, forced: string | undefined): Decision;
  /** Calls `callback` for every decision made from now on and the ones already made; returns an unsubscribe function. */
  listen(callback: (decision: Decision) => void): () => void;
}

/** An empty set of decisions for a new page view; a throwing listener is counted, never rethrown. */
export function pageDecisions(log: DebugLog): PageDecisions {
  const made = new Map<string, Decision>();
  const listeners = new Set<(decision: Decision) => void>();
  const notify = (listener: (decision: Decision) => void, decision: Decision): void => {
    try {
      listener(decision);
    } catch (error) {
      log.count('callback:threw', error);
    }
  };
  return {
    made,
    add: (decision, forced) => {
      if (forced && decision.variant !== forced) decision.explanation.unshift({ feature: PREVIEW_MISSING, value: 0, text: `forced ${forced} missing` });
      made.set(decision.slot, decision);
      log.info(`decision ${decision.slot} → ${decision.variant}`, decision);
      listeners.forEach((listener) => notify(listener, decision));
      return decision;
    },
    listen: (callback) => {
      listeners.add(callback);
      made.forEach((decision) => notify(callback, decision));
      return () => listeners.delete(callback);
    },
  };
}
