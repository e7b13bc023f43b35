/**
 * The live model from the registry, with the first version seeded from the
 * model file (`O2O_MODEL_FILE`) or the built-in model when the registry is
 * empty, and one-step rollback.
 */
import { readFile } from 'node:fs/promises';
import { BUILTIN_MODEL, type Model, parseModel } from '../../src/core/model.js';
import type { ModelRegistry, ModelVersion } from '../store/model-registry.js';

/** The model document of the file, or the built-in model when there is no readable, valid file. */
export async function fileModel(modelFile: string | undefined): Promise<Model> {
  const text = modelFile ? await readFile(modelFile, 'utf8').catch(() => undefined) : undefined;
  const parsed = text === undefined ? undefined : parseModel(text);
  return parsed?.ok ? parsed.model : BUILTIN_MODEL;
}

/**
 * The live version. When nothing was ever promoted, the model file (or the
 * built-in model) is stored as a version and promoted (`initial`). While the
 * live version came from the file, an edited file becomes a new version
 * (`model file changed`), so hand edits apply without a restart until a
 * trained version is promoted. Several processes may race here: each stores
 * a version of the same document and the last promotion wins.
 */
export async function liveVersion(registry: ModelRegistry, modelFile: string | undefined, now: number): Promise<ModelVersion> {
  const live = await registry.liveModel();
  if (live && (live.source.kind !== 'file' || !modelFile)) return live;
  const model = await fileModel(modelFile);
  const document = JSON.stringify(model);
  if (live && live.document === document) return live;
  const version = await registry.addModelVersion({ modelId: model.id, document, createdAt: now, source: { kind: 'file' } });
  await registry.promote(version, now, live ? 'model file changed' : 'initial');
  return (await registry.liveModel()) as ModelVersion;
}

/** The live version's document, parsed (it was validated when stored). */
export function documentOf(version: ModelVersion): Model {
  const parsed = parseModel(version.document);
  if (!parsed.ok) throw new Error(`stored model version ${version.version} is invalid: ${parsed.reason}`);
  return parsed.model;
}

/** What a rollback did. */
export interface Rollback {
  from: number;
  to: number;
}

/**
 * Makes live again the newest version promoted before the live one with a
 * lower number: each rollback goes back one version. Undefined when there is none.
 */
export async function rollback(registry: ModelRegistry, now: number): Promise<Rollback | undefined> {
  const live = await registry.liveModel();
  if (!live) return undefined;
  const history = await registry.promotions(1000);
  const previous = history.find((p) => p.version < live.version);
  if (!previous) return undefined;
  await registry.promote(previous.version, now, `rollback from ${live.version}`);
  return { from: live.version, to: previous.version };
}
