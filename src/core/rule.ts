/**
 * Evaluating a rule (eligibility, segments) over named features.
 */
import type { Features } from './feature-vector.js';
import { hasOwn } from './field.js';
import type { Range, Rule } from './model-shape.js';

/** True when `features` satisfy `rule` (a missing feature counts as 0). */
export function satisfies(rule: Rule | undefined, features: Features): boolean {
  // Own keys only (without allocating): rules written by hand (not parsed) are plain objects, and a host page may add to Object.prototype.
  for (const name in rule) {
    if (!hasOwn(rule, name)) continue;
    const [min, max] = rule[name] as Range;
    const x = features[name] ?? 0;
    if ((min !== null && x < min) || (max !== null && x > max)) return false;
  }
  return true;
}
