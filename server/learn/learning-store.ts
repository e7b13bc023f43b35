/**
 * The store as learning sees it: the decision log and the model registry
 * beside the collector's own storage. Every store implements both
 * (server/store); the guard lets the service run, without learning, on a
 * store that does not (yet).
 */
import type { DecisionLogStore } from '../store/decision-log-store.js';
import type { ModelRegistry } from '../store/model-registry.js';

/** A store with the decision log and the model registry. */
export type LearningStore = DecisionLogStore & ModelRegistry;

const METHODS = ['scanDecisions', 'countDecisions', 'addModelVersion', 'modelVersion', 'modelVersions', 'promote', 'liveModel', 'promotions'] as const;

/** The store as a {@link LearningStore}, if it implements both interfaces. */
export function learningStoreOf(store: object): LearningStore | undefined {
  return METHODS.every((m) => typeof (store as Record<string, unknown>)[m] === 'function') ? (store as LearningStore) : undefined;
}
