/**
 * Every model version the collector has served or may serve, and which one is
 * live. Versions are never deleted, so rolling back is promoting an older one.
 * Implemented by every store and checked by the store contract suite.
 */

/** Where a model version came from. */
export interface ModelSource {
  /** `file` (loaded from `O2O_MODEL_FILE` or the built-in model), `trainer`, or `admin` (uploaded). */
  kind: 'file' | 'trainer' | 'admin';
  /** For trained versions: the decision log window and how much of it was used. */
  since?: number;
  until?: number;
  decisions?: number;
  devices?: number;
  /** The version it was trained from. */
  parent?: number;
}

/** A stored model version. */
export interface ModelVersion {
  /** 1, 2, 3…: assigned by the registry in order. */
  version: number;
  /** The model document's `id`. */
  modelId: string;
  /** The model document (validated JSON text). */
  document: string;
  createdAt: number;
  source: ModelSource;
  /** The off-policy evaluation that decided its promotion, as JSON (absent for file versions). */
  evaluation?: string;
}

/** A promotion: which version became live, when and why. */
export interface Promotion {
  version: number;
  at: number;
  /** `trainer: better with confidence`, `rollback`, `initial`… */
  reason: string;
}

/** The model registry's storage. */
export interface ModelRegistry {
  /** Stores a new version and returns its number; it is not live until promoted. */
  addModelVersion(version: Omit<ModelVersion, 'version'>): Promise<number>;
  /** One version, if it exists. */
  modelVersion(version: number): Promise<ModelVersion | undefined>;
  /** The newest versions first, at most `limit`, without their documents' text. */
  modelVersions(limit: number): Promise<Omit<ModelVersion, 'document'>[]>;
  /** Makes a stored version live (atomic; several processes see the same live version). */
  promote(version: number, at: number, reason: string): Promise<void>;
  /** The live version, if any was promoted. */
  liveModel(): Promise<ModelVersion | undefined>;
  /** The promotions, newest first, at most `limit`. */
  promotions(limit: number): Promise<Promotion[]>;
}
