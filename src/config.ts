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
  /** Base URL of the collector (absolute http(s) URL or a path on this site), for example `https://o2o.example.com`. */
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
const INTEGERS = {
  antiFlickerMs: [300, 10_000],
  flushIntervalMs: [2000, 600_000],
  offerMinMs: [5000, 600_000],
  offerIdleMs: [60_000, 3_600_000],
  offerPerSession: [1, 10],
  offerCooldownDays: [7, 365],
} as const;

const KNOWN = ['endpoint', 'writeKey', 'consent', 'debug', 'model', 'databaseName', 'dialogUrl', 'collect', 'searchParam', 'transport', 'respectGpc', ...Object.keys(INTEGERS)];

const HTTP = 'an http(s) URL or a path such as ';

function closest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return KNOWN.find((known) => known.toLowerCase() === lower || known.toLowerCase().startsWith(lower.slice(0, 4)));
}

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

function checkInteger(name: keyof typeof INTEGERS, value: unknown): number {
  const [fallback, max] = INTEGERS[name];
  value ??= fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new ConfigError(name, `a whole number from 0 to ${max}`, value);
  return value;
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
  const transport = raw.transport;
  if (typeof transport !== 'function') oneOf('transport', transport ?? 'onetoone', ['onetoone', 'segment'], ' or a function');
  const collect = resolveCollect(raw.collect);
  if (!collect) throw new ConfigError('collect', COLLECT_EXPECTED, raw.collect);
  if (raw.model !== undefined && (raw.model === null || typeof raw.model !== 'object')) {
    throw new ConfigError('model', 'a model object (see docs/model.md)', raw.model);
  }
  const bools = [true, false];
  return {
    endpoint: checkUrl('endpoint', raw.endpoint, base, /\S/, '"/o2o"').replace(/\/+$/, ''),
    writeKey: raw.writeKey === undefined ? undefined : checkName('writeKey', raw.writeKey, 128),
    consent: oneOf<ConsentState>('consent', raw.consent ?? 'granted', ['granted', 'pending', 'denied']),
    debug: oneOf('debug', raw.debug ?? false, bools),
    model: raw.model as Model | undefined,
    antiFlickerMs: checkInteger('antiFlickerMs', raw.antiFlickerMs),
    flushIntervalMs: checkInteger('flushIntervalMs', raw.flushIntervalMs),
    databaseName: checkName('databaseName', raw.databaseName ?? 'onetoone', 64),
    offerMinMs: checkInteger('offerMinMs', raw.offerMinMs),
    offerIdleMs: checkInteger('offerIdleMs', raw.offerIdleMs),
    offerPerSession: checkInteger('offerPerSession', raw.offerPerSession),
    offerCooldownDays: checkInteger('offerCooldownDays', raw.offerCooldownDays),
    dialogUrl: raw.dialogUrl === undefined ? undefined : checkUrl('dialogUrl', raw.dialogUrl, base, /^(https?:\/\/[^/]|\/(?![/\\]))/i, '"/js/onetoone-dialog.min.js"'),
    collect,
    searchParam: checkName('searchParam', raw.searchParam ?? 'q', 32),
    transport: (transport ?? 'onetoone') as ResolvedConfig['transport'],
    respectGpc: oneOf('respectGpc', raw.respectGpc ?? false, bools),
  };
}
