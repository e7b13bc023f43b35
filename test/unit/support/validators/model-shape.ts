/** src/core/model-shape.ts's isModelShaped as it was (commit ac4280e). */
import type { Model } from '../../../../src/core/model-shape.js';

export function isModelShaped(value: unknown): value is Model {
  const m = value as Partial<Model> | null;
  return !!m && m.version === 1 && typeof m.id === 'string' && typeof m.bias === 'number' && typeof m.holdout === 'number' &&
    Array.isArray(m.offers) && [m.slots, m.segments, m.weights, m.explore].every((o) => !!o && typeof o === 'object');
}
