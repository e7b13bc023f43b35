/**
 * The `collect` option: which signals run. `true` (default) runs all,
 * `false` none (also as the strings `"true"`, `"false"` of `data-collect`); an
 * object switches single signals (`{ video: false }`); a string lists signals to run (`"pages,items"`) or,
 * with a leading `-`, to leave out (`"-video,-forms"`).
 */

/** Signals that can be switched. */
export const SIGNALS = ['pages', 'routes', 'items', 'clicks', 'scroll', 'engagement', 'search', 'video', 'forms', 'commerce', 'dataLayer'] as const;

/** One signal's name. */
export type Signal = (typeof SIGNALS)[number];

/** Which signals run. */
export type CollectSwitches = Record<Signal, boolean>;

/** What the `collect` option accepts. */
export type CollectOption = boolean | string | Partial<CollectSwitches>;

/** What {@link resolveCollect} expects, for the configuration error. */
export const COLLECT_EXPECTED = `true, false, an object of booleans or a list of signals (${SIGNALS.join(', ')}), each optionally prefixed with "-"`;

const isSignal = (name: string): name is Signal => (SIGNALS as readonly string[]).includes(name);

/** Resolves the `collect` option; `undefined` when it is invalid. */
export function resolveCollect(value: unknown = true): CollectSwitches | undefined {
  const all = (on: boolean): CollectSwitches => Object.fromEntries(SIGNALS.map((s) => [s, on])) as CollectSwitches;
  if (typeof value === 'boolean') return all(value);
  if (value === 'true' || value === 'false') return all(value === 'true');
  if (typeof value === 'string') {
    const words = value.split(/[\s,]+/).filter(Boolean);
    const switches = all(!words.some((w) => w[0] !== '-'));
    for (const word of words) {
      const name = word.replace(/^-/, '');
      if (!isSignal(name)) return undefined;
      switches[name] = word[0] !== '-';
    }
    return switches;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const switches = all(true);
  for (const [name, on] of Object.entries(value)) {
    if (!isSignal(name) || typeof on !== 'boolean') return undefined;
    switches[name] = on;
  }
  return switches;
}
