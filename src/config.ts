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

const DEFAULTS = {
  consent: 'granted',
  debug: false,
  antiFlickerMs: 300,
  flushIntervalMs: 2000,
  databaseName: 'onetoone',
  offerMinMs: 5000,
  offerIdleMs: 60_000,
  offerPerSession: 1,
  offerCooldownDays: 7,
  transport: 'onetoone',
  respectGpc: false,
} as const;

const KNOWN = ['endpoint', 'writeKey', 'consent', 'debug', 'model', 'antiFlickerMs', 'flushIntervalMs', 'databaseName', 'offerMinMs', 'offerIdleMs', 'offerPerSession', 'offerCooldownDays', 'dialogUrl', 'collect', 'searchParam', 'transport', 'respectGpc'];

function closest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return KNOWN.find((known) => known.toLowerCase() === lower || known.toLowerCase().startsWith(lower.slice(0, 4)));
}

function checkEndpoint(value: unknown, base: string | undefined): string {
  const expected = 'an http(s) URL or a path such as "/o2o"';
  if (typeof value !== 'string' || !value.trim()) throw new ConfigError('endpoint', expected, value);
  let url: URL;
  try {
    url = new URL(value, base ?? 'http://localhost/');
  } catch {
    throw new ConfigError('endpoint', expected, value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('endpoint', expected, value);
  return url.href.replace(/\/+$/, '');
}

function checkDialogUrl(value: unknown, base: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    // Only http(s) or a path on this site: this URL becomes a script's src.
    if (typeof value === 'string' && /^(https?:\/\/[^/]|\/(?![/\\]))/i.test(value)) return new URL(value, base ?? 'http://localhost/').href;
  } catch {
    // Unparsable: reported below.
  }
  throw new ConfigError('dialogUrl', 'an http(s) URL or a path such as "/js/onetoone-dialog.min.js"', value);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, value);
  }
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
  const consent = raw.consent ?? DEFAULTS.consent;
  if (consent !== 'granted' && consent !== 'pending' && consent !== 'denied') {
    throw new ConfigError('consent', '"granted", "pending" or "denied"', consent);
  }
  const debug = raw.debug ?? DEFAULTS.debug;
  if (typeof debug !== 'boolean') throw new ConfigError('debug', 'true or false', debug);
  const writeKey = raw.writeKey;
  if (writeKey !== undefined && (typeof writeKey !== 'string' || !/^[\w.-]{1,128}$/.test(writeKey))) {
    throw new ConfigError('writeKey', 'up to 128 letters, digits, "_", "." or "-"', writeKey);
  }
  const databaseName = raw.databaseName ?? DEFAULTS.databaseName;
  if (typeof databaseName !== 'string' || !/^[\w.-]{1,64}$/.test(databaseName)) {
    throw new ConfigError('databaseName', 'up to 64 letters, digits, "_", "." or "-"', databaseName);
  }
  const transport = raw.transport ?? DEFAULTS.transport;
  if (transport !== 'onetoone' && transport !== 'segment' && typeof transport !== 'function') {
    throw new ConfigError('transport', '"onetoone", "segment" or a function', transport);
  }
  const respectGpc = raw.respectGpc ?? DEFAULTS.respectGpc;
  if (typeof respectGpc !== 'boolean') throw new ConfigError('respectGpc', 'true or false', respectGpc);
  const collect = resolveCollect(raw.collect);
  if (!collect) throw new ConfigError('collect', COLLECT_EXPECTED, raw.collect);
  const searchParam = raw.searchParam ?? 'q';
  if (typeof searchParam !== 'string' || !/^[\w.-]{1,32}$/.test(searchParam)) {
    throw new ConfigError('searchParam', 'a query parameter name of up to 32 letters, digits, "_", "." or "-"', searchParam);
  }
  if (raw.model !== undefined && (raw.model === null || typeof raw.model !== 'object')) {
    throw new ConfigError('model', 'a model object (see docs/model.md)', raw.model);
  }
  return {
    endpoint: checkEndpoint(raw.endpoint, base),
    writeKey: writeKey as string | undefined,
    consent,
    debug,
    model: raw.model as Model | undefined,
    antiFlickerMs: checkInteger('antiFlickerMs', raw.antiFlickerMs ?? DEFAULTS.antiFlickerMs, 0, 10_000),
    flushIntervalMs: checkInteger('flushIntervalMs', raw.flushIntervalMs ?? DEFAULTS.flushIntervalMs, 0, 600_000),
    databaseName,
    offerMinMs: checkInteger('offerMinMs', raw.offerMinMs ?? DEFAULTS.offerMinMs, 0, 600_000),
    offerIdleMs: checkInteger('offerIdleMs', raw.offerIdleMs ?? DEFAULTS.offerIdleMs, 0, 3_600_000),
    offerPerSession: checkInteger('offerPerSession', raw.offerPerSession ?? DEFAULTS.offerPerSession, 0, 10),
    offerCooldownDays: checkInteger('offerCooldownDays', raw.offerCooldownDays ?? DEFAULTS.offerCooldownDays, 0, 365),
    dialogUrl: checkDialogUrl(raw.dialogUrl, base),
    collect,
    searchParam,
    transport: transport as ResolvedConfig['transport'],
    respectGpc,
  };
}
