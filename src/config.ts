/**
 * Configuration and its validation. Invalid configuration is reported once,
 * at init, with the option's name and what was expected.
 */
import { COLLECT_EXPECTED, type CollectOption, type CollectSwitches, resolveCollect } from './collect/options.js';
import type { Model } from './core/model.js';
import type { Transport } from './sync/transport.js';
import { type Check, checkName, fail, integer, oneOf } from './config-checks.js';

export { ConfigError } from './config-checks.js';

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
  return fail(option, HTTP + example, value);
}

/** An absolute http(s) URL, or a path on this site starting with one "/" (not "//host", which names another host). */
const ABSOLUTE_OR_PATH = /^(https?:\/\/[^/]|\/(?![/\\]))/i;

const flag: Check = (option, value) => oneOf(option, value ?? false, [true, false]);

/**
 * The options the script tag's first file checks itself, before its first decisions: the ones it reads.
 * An invalid one stops it (reported once on the console; the page keeps its default content).
 */
const FIRST: Record<string, Check> = {
  consent: (option, value) => oneOf<ConsentState>(option, value ?? 'granted', ['granted', 'pending', 'denied']),
  debug: flag,
  databaseName: (option, value) => checkName(option, value ?? 'onetoone', 64),
  collect: (option, value) => resolveCollect(value) ?? fail(option, COLLECT_EXPECTED, value),
  respectGpc: flag,
  antiFlickerMs: /*#__PURE__*/ integer(INTEGERS.antiFlickerMs),
};

/**
 * The other options, which only the second stage reads: with the script tag, the stage checks them (and
 * refuses unknown ones) when it starts; an invalid one is reported once on the console and the stage does
 * not start (the page keeps its first decisions).
 */
const STAGE: Record<string, Check> = {
  // Scheme-less hosts such as "127.0.0.1:8080" would silently become paths on this site (every request a 404): refused.
  endpoint: (option, value, base) => checkUrl(option, value, base, ABSOLUTE_OR_PATH, '"/o2o"').replace(/\/+$/, ''),
  writeKey: (option, value) => (value === undefined ? value : checkName(option, value, 128)),
  model: (option, value) => (value === undefined || (value !== null && typeof value === 'object') ? value : fail(option, 'a model object (see docs/model.md)', value)),
  dialogUrl: (option, value, base) => (value === undefined ? value : checkUrl(option, value, base, ABSOLUTE_OR_PATH, '"/js/onetoone-dialog.min.js"')),
  searchParam: (option, value) => checkName(option, value ?? 'q', 32),
  transport: (option, value) => (typeof value === 'function' ? value : oneOf(option, value ?? 'onetoone', ['onetoone', 'segment'], ' or a function')),
  flushIntervalMs: /*#__PURE__*/ integer(INTEGERS.flushIntervalMs),
  offerMinMs: /*#__PURE__*/ integer(INTEGERS.offerMinMs),
  offerIdleMs: /*#__PURE__*/ integer(INTEGERS.offerIdleMs),
  offerPerSession: /*#__PURE__*/ integer(INTEGERS.offerPerSession),
  offerCooldownDays: /*#__PURE__*/ integer(INTEGERS.offerCooldownDays),
};

/** Every option, in the order they are checked (and listed when an unknown one is refused). */
const KNOWN = ['endpoint', 'writeKey', 'consent', 'debug', 'model', 'databaseName', 'dialogUrl', 'collect', 'searchParam', 'transport', 'respectGpc', ...Object.keys(INTEGERS)];

/** Refuses a key that is no option, naming the closest one when there is one. */
function refuseUnknown(raw: Record<string, unknown>): void {
  for (const key of Object.keys(raw)) {
    if (KNOWN.includes(key)) continue;
    const lower = key.toLowerCase();
    const hint = KNOWN.find((known) => known.toLowerCase() === lower || known.toLowerCase().startsWith(lower.slice(0, 4)));
    fail(key, hint ? `no such option (did you mean "${hint}"?)` : `one of ${KNOWN.join(', ')}`, raw[key]);
  }
}

/** Checks `names` of `raw` with `checks` into `resolved` (a copy of `raw`). */
function check(raw: Record<string, unknown>, names: readonly string[], checks: Record<string, Check>, base?: string, resolved: Record<string, unknown> = { ...raw }): Record<string, unknown> {
  for (const name of names) resolved[name] = (checks[name] as Check)(name, raw[name], base);
  return resolved;
}

/** The script tag's configuration as its first file checked it: its own options resolved, the others as given. */
export type FirstConfig = Record<string, unknown> & Pick<ResolvedConfig, 'consent' | 'debug' | 'databaseName' | 'collect' | 'respectGpc' | 'antiFlickerMs'>;

/** Checks the options the first file reads (see {@link FIRST}); the rest is left for {@link resolveStageConfig}. */
export function resolveFirstConfig(raw: Record<string, unknown>): FirstConfig {
  return check(raw, Object.keys(FIRST), FIRST) as FirstConfig;
}

/**
 * Checks what {@link resolveFirstConfig} left (unknown options included) and fills in defaults: the second stage's part.
 * @throws {@link ConfigError} naming the first invalid or unknown option.
 */
export function resolveStageConfig(first: FirstConfig, base?: string): ResolvedConfig {
  refuseUnknown(first);
  return check(first, Object.keys(STAGE), STAGE, base) as ResolvedConfig;
}

/**
 * Validates configuration and fills in defaults.
 * @param base - URL relative endpoints resolve against (the page's URL).
 * @throws {@link ConfigError} naming the first invalid or unknown option.
 */
export function resolveConfig(input: unknown, base?: string): ResolvedConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('config', 'an object such as { endpoint: "/o2o" }', input);
  const raw = input as Record<string, unknown>;
  refuseUnknown(raw);
  return check(raw, KNOWN, { ...FIRST, ...STAGE }, base, {}) as ResolvedConfig;
}
