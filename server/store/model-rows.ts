/** How both stores keep a model version in a row, and read it back. */
import type { ModelSource, ModelVersion } from './model-registry.js';

/** A `model_versions` row as both stores return it (`document` absent when not selected). */
export interface ModelVersionRow {
  version: number | string;
  model_id: string;
  document?: string;
  created_at: number | string;
  source: string;
  evaluation: string | null;
}

/** The version a row holds; without its document when the row has none. */
export function modelVersionOf(row: ModelVersionRow & { document: string }): ModelVersion;
export function modelVersionOf(row: ModelVersionRow): Omit<ModelVersion, 'document'> & { document?: string };
export function modelVersionOf(row: ModelVersionRow): Omit<ModelVersion, 'document'> & { document?: string } {
  const version: Omit<ModelVersion, 'document'> & { document?: string } = {
    version: Number(row.version),
    modelId: row.model_id,
    createdAt: Number(row.created_at),
    source: JSON.parse(row.source) as ModelSource,
  };
  if (row.document !== undefined) version.document = row.document;
  if (row.evaluation !== null) version.evaluation = row.evaluation;
  return version;
}
