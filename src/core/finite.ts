/**
 * The number checks the validators share (events, fields, model, variants).
 */

/** True when `value` is a finite number (`Number.isFinite` refuses every non-number too, without coercing). */
export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

/** True when `value` is a rule's `[min, max]`: two bounds, each a finite number or `null` (open). */
export const isRange = (value: unknown): value is [number | null, number | null] => Array.isArray(value) && value.length === 2 && value.every((b) => b === null || isFiniteNumber(b));
