/**
 * The checks options share, and the error they throw: used by the script
 * tag's first file for its own options and by the second stage for the rest
 * (`config.ts`), so the core lends them to the stage (`first/shared.ts`).
 */

/** Thrown by `init()` for invalid configuration; names the offending option. */
export class ConfigError extends Error {
  /** The option that is wrong. */
  readonly option: string;
  constructor(option: string, expected: string, got: unknown) {
    super(`OneToOne: invalid option "${option}": expected ${expected}, got ${describe(got)}.`);
    this.name = 'ConfigError';
    this.option = option;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Checks one option's value (absent: `undefined`) and returns it with its default filled in, or throws a {@link ConfigError}. */
export type Check = (option: string, value: unknown, base: string | undefined) => unknown;

/** Throws the {@link ConfigError} for `option`. */
export function fail(option: string, expected: string, value: unknown): never {
  throw new ConfigError(option, expected, value);
}

/** `value` when it is one of `allowed`, else a {@link ConfigError} listing them. */
export function oneOf<T>(option: string, value: unknown, allowed: readonly T[], other = ''): T {
  return allowed.includes(value as T) ? (value as T) : fail(option, allowed.map((a) => JSON.stringify(a)).join(' or ') + other, value);
}

/** `value` when it is a name of 1 to `max` letters, digits, "_", "." or "-". */
export function checkName(option: string, value: unknown, max: number): string {
  return typeof value === 'string' && value.length <= max && /^[\w.-]+$/.test(value) ? value : fail(option, `up to ${max} letters, digits, "_", "." or "-"`, value);
}

/** A whole-number option from 0 to `max`, `fallback` when absent. */
export const integer = ([fallback, max]: readonly [number, number]): Check => (option, value) =>
  Number.isInteger((value ??= fallback)) && (value as number) >= 0 && (value as number) <= max ? value : fail(option, `a whole number from 0 to ${max}`, value);
