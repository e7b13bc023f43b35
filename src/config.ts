/**
 * Configuration and its validation. Invalid configuration is reported once,
 * at init, with the option's name and what was expected.
 */
import { COLLECT_EXPECTED, type CollectOption, type CollectSwitches, resolveCollect } from './collect/options.js';
import type { Model } from './core/model.js';
import type { Transport } from './sync/transport.js';

/** Consent states; see the README's privacy section. */
export type ConsentState = 'granted' | 'pending' | 'denied';

/** Options accepted by `init()` and, as `data-*` attributes, by the script tag. */
export interface OneToOneConfig {
  /**
   * Base URL of the collector: an absolute http(s) URL such as `https://o2o.example.com`, or a path on this site
   * starting with `/` such as `/o2o`. Anything else (`127.0.0.1:8080`, `o2o.example.com`) is a {@link ConfigError}.
   */
  endpoint: string;
  /** Key sent with every request so the collector can tell sites apart. Default: none. */
  writeKey?: string;
  /** Consent state at start. Default `granted`. */
  consent?: ConsentState;
  /** Log decisions, rejected input and storage mode to the console. Default `false`. */
  debug?: boolean;
  /** A model document to use instead of the built-in one. */
  model?: Model;
  /** Longest time an undecided slot stays hidden, ms. Default 300. */
  antiFlickerMs?: number;
  /** Longest time a delta waits in the queue before a send is attempted, ms. Default 2000. */
  flushIntervalMs?: number;
  /** Name of the IndexedDB database. Default `onetoone`. */
  databaseName?: string;
  /** No exit-intent offer before this much time on a page, ms. Default 5000. */
  offerMinMs?: number;
  /** Idle time that counts as exit intent, ms; 0 turns idle detection off. Default 60000. */
  offerIdleMs?: number;
  /** Exit-intent offers per session; 0 turns offers off. Default 1. */
  offerPerSession?: number;
  /** Days without offers after a session that showed one. Default 7. */
  offerCooldownDays?: number;
  /**
   * Where the offer dialog file (`onetoone-dialog.min.js`) is hosted: an http(s) URL or a path on this site.
   * Default: next to the script tag's `src`; npm users set it to show offers.
   */
  dialogUrl?: string;
  /** Which signals are collected: `true` (default) all, `false` none, `{ video: false }`, or `"-video,-forms"` / `"pages,items"`. */
  collect?: CollectOption;
  /** Query parameter that carries site-search terms. Default `q`. */
  searchParam?: string;
  /**
   * How deltas reach the backend: `onetoone` (the JSON protocol of docs/protocol.md, with profile and model pull),
   * `segment` (Segment HTTP API `/v1/batch` bodies), or a function. Default `onetoone`.
   */
  transport?: 'onetoone' | 'segment' | Transport;
  /** Treat a Global Privacy Control signal (`navigator.globalPrivacyControl`) as consent `denied`. Default `false`. */
  respectGpc?: boolean;
}

/** A configuration with every default filled in. */
export type ResolvedConfig = { collect: CollectSwitches } & Required<Omit<OneToOneConfig, 'model' | 'writeKey' | 'collect' | 'dialogUrl'>> & Pick<OneToOneConfig, 'model' | 'writeKey' | 'dialogUrl'>;

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

/** Whole-number options: default and largest value (the smallest is 0). */
export const INTEGERS = {
  antiFlickerMs: [300, 10_000],
  flushIntervalMs: [2000, 600_000],
  offerMinMs: [5000, 600_000],
  offerIdleMs: [60_000, 3_600_000],
  offerPerSession: [1, 10],
  offerCooldownDays: [7, 365],
} as const;

const HTTP = 'an http(s) URL or a path such as ';

/** `value` as a URL when it is http(s) (relative paths resolve against `base`), else a {@link ConfigError} for `option`. */
function checkUrl(option: string, value: unknown, base: string | undefined, pattern: RegExp, example: string): string {
  try {
    // Only http(s) or a path on this site: these URLs receive the visitor's data or become a script's src.
    const url = typeof value === 'string' && pattern.test(value) ? new URL(value, base ?? 'http://localhost/') : undefined;
    if (url && /^https?:$/.test(url.protocol)) return url.href;
  } catch {
    // Unparsable: reported below.
  }
  throw new ConfigError(option, HTTP + example, value);
}

/** `value` when it is one of `allowed`, else a {@link ConfigError} listing them. */
function oneOf<T>(option: string, value: unknown, allowed: readonly T[], other = ''): T {
  if (!allowed.includes(value as T)) throw new ConfigError(option, allowed.map((a) => JSON.stringify(a)).join(' or ') + other, value);
  return value as T;
}

/** `value` when it is a name of 1 to `max` letters, digits, "_", "." or "-". */
function checkName(option: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length > max || !/^[\w.-]+$/.test(value)) throw new ConfigError(option, `up to ${max} letters, digits, "_", "." or "-"`, value);
  return value;
}

/** An absolute http(s) URL, or a path on this site starting with one "/" (not "//host", which names another host). */
const ABSOLUTE_OR_PATH = /^(https?:\/\/[^/]|\/(?![/\\]))/i;

/** Checks one option's value (absent: `undefined`) and returns it with its default filled in, or throws a {@link ConfigError}. */
type Check = (option: string, value: unknown, base: string | undefined) => unknown;

const flag: Check = (option, value) => oneOf(option, value ?? false, [true, false]);

function fail(option: string, expected: string, value: unknown): never {
  throw new ConfigError(option, expected, value);
}

/** Every option and its check, in the order they are checked. */
const OPTIONS: Record<string, Check> = {
  // Scheme-less hosts such as "127.0.0.1:8080" would silently become paths on this site (every request a 404): refused.
  endpoint: (option, value, base) =>
    checkUrl(option, value, base, ABSOLUTE_OR_PATH, '"/o2o"').replace(/\/+$/, ''),
  writeKey: (option, value) => (value === undefined ? value : checkName(option, value, 128)),
  consent: (option, value) => oneOf<ConsentState>(option, value ?? 'granted', ['granted', 'pending', 'denied']),
  debug: flag,
  model: (option, value) => (value === undefined || (value !== null && typeof value === 'object') ? value : fail(option, 'a model object (see docs/model.md)', value)),
  databaseName: (option, value) => checkName(option, value ?? 'onetoone', 64),
  dialogUrl: (option, value, base) =>
    value === undefined ? value : checkUrl(option, value, base, ABSOLUTE_OR_PATH, '"/js/onetoone-dialog.min.js"'),
  collect: (option, value) => resolveCollect(value) ?? fail(option, COLLECT_EXPECTED, value),
  searchParam: (option, value) => checkName(option, value ?? 'q', 32),
  transport: (option, value) => (typeof value === 'function' ? value : oneOf(option, value ?? 'onetoone', ['onetoone', 'segment'], ' or a function')),
  respectGpc: flag,
};
for (const name of Object.keys(INTEGERS) as Array<keyof typeof INTEGERS>) {
  const [fallback, max] = INTEGERS[name];
  OPTIONS[name] = (option, value) =>
    Number.isInteger((value ??= fallback)) && (value as number) >= 0 && (value as number) <= max ? value : fail(option, `a whole number from 0 to ${max}`, value);
}
const KNOWN = Object.keys(OPTIONS);

function closest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return KNOWN.find((known) => known.toLowerCase() === lower || known.toLowerCase().startsWith(lower.slice(0, 4)));
}

/**
 * Validates configuration and fills in defaults.
 * @param base - URL relative endpoints resolve against (the page's URL).
 * @throws {@link ConfigError} naming the first invalid or unknown option.
 */
export function resolveConfig(input: unknown, base?: string): ResolvedConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('config', 'an object such as { endpoint: "/o2o" }', input);
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key)) {
      const hint = closest(key);
      throw new ConfigError(key, hint ? `no such option (did you mean "${hint}"?)` : `one of ${KNOWN.join(', ')}`, raw[key]);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const name of KNOWN) resolved[name] = (OPTIONS[name] as Check)(name, raw[name], base);
  return resolved as ResolvedConfig;
}
