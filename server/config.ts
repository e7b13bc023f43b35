/**
 * The service's configuration from environment variables (docs/deploy.md has
 * the table). Every problem is reported as one {@link ConfigError} naming the
 * variable; production insists on write keys and a cookie secret.
 */
import type { FastifyServerOptions } from 'fastify';
import type { AppOptions } from './options.js';

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

/** Everything `server/main.ts` needs: where to listen, which store, and the app's options (store aside). */
export interface ServiceConfig {
  port: number;
  host: string;
  /** `postgres://…` for PostgreSQL; absent for the embedded store in {@link dataDir}. */
  databaseUrl?: string;
  dataDir: string;
  /** How long a graceful shutdown may take before the process exits anyway, ms. */
  shutdownTimeoutMs: number;
  app: Omit<AppOptions, 'store'>;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function secret(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new ConfigError(name, 'must be at least 32 characters (for example `openssl rand -base64 32`)');
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

function origins(env: Env): string[] {
  const values = list(env, 'O2O_ALLOWED_ORIGINS');
  for (const origin of values) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('O2O_ALLOWED_ORIGINS', `"${origin}" is not an origin such as https://shop.example`);
    }
    if (parsed.origin !== origin) throw new ConfigError('O2O_ALLOWED_ORIGINS', `"${origin}" is not an origin such as https://shop.example (scheme, host and port only, no trailing slash)`);
  }
  return values;
}

function logger(env: Env): FastifyServerOptions['logger'] {
  const level = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent, got "${level}"`);
  // The default request serializer logs method, URL and addresses only: never bodies (device keys), cookies or tokens.
  return { level, redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'] };
}

/** Reads the configuration from `env`; throws a {@link ConfigError} naming the first bad variable. */
export function readConfig(env: Env): ServiceConfig {
  const mode = env.O2O_ENV || 'development';
  if (mode !== 'production' && mode !== 'development') throw new ConfigError('O2O_ENV', `must be production or development, got "${mode}"`);
  const production = mode === 'production';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  const writeKeys = list(env, 'O2O_WRITE_KEYS');
  if (production && writeKeys.length === 0) throw new ConfigError('O2O_WRITE_KEYS', 'is required in production (the site keys to accept, comma-separated)');
  const cookieSecret = secret(env, 'O2O_COOKIE_SECRET');
  if (production && cookieSecret === undefined) throw new ConfigError('O2O_COOKIE_SECRET', 'is required in production (the same value in every process)');
  const identitySecret = secret(env, 'O2O_IDENTITY_SECRET');
  const adminToken = secret(env, 'O2O_ADMIN_TOKEN');
  const trustProxy = env.O2O_TRUST_PROXY;
  const app: Omit<AppOptions, 'store'> = {
    production,
    writeKeys: writeKeys.length ? writeKeys : 'any',
    allowedOrigins: production || env.O2O_ALLOWED_ORIGINS ? origins(env) : 'local',
    cookieSecure: flag(env, 'O2O_COOKIE_SECURE', production),
    asciiKeys: flag(env, 'O2O_ASCII_KEYS', false),
    rateLimits: {
      ip: { perMinute: integer(env, 'O2O_RATE_IP_PER_MIN', 1200, 0, 1e7), burst: integer(env, 'O2O_RATE_IP_BURST', 300, 1, 1e7) },
      device: { perMinute: integer(env, 'O2O_RATE_DEVICE_PER_MIN', 120, 0, 1e7), burst: integer(env, 'O2O_RATE_DEVICE_BURST', 60, 1, 1e7) },
      decisions: { perMinute: integer(env, 'O2O_RATE_DECISIONS_PER_MIN', 60, 0, 1e7), burst: integer(env, 'O2O_RATE_DECISIONS_BURST', 30, 1, 1e7) },
    },
    bounds: {
      maxFields: integer(env, 'O2O_MAX_FIELDS', 1024, 1, 1e6),
      maxBytes: integer(env, 'O2O_MAX_BYTES', 256 * 1024, 1024, 1e9),
      maxSeqStep: integer(env, 'O2O_MAX_SEQ_STEP', 1_000_000, 1, Number.MAX_SAFE_INTEGER),
      maxFutureMs: integer(env, 'O2O_MAX_FUTURE_S', 300, 0, 86_400 * 365) * 1000,
      maxDecisionsPerDevice: integer(env, 'O2O_MAX_DECISIONS_PER_DEVICE', 10_000, 1, 1e9),
      maxOutcomesPerDecision: integer(env, 'O2O_MAX_OUTCOMES_PER_DECISION', 16, 1, 1000),
    },
    bodyLimit: integer(env, 'O2O_BODY_LIMIT', 256 * 1024, 1024, 64 * 1024 * 1024),
    logger: logger(env),
    trustProxy: trustProxy === undefined || trustProxy === '' || trustProxy === 'false' ? false : trustProxy === 'true' ? true : /^\d+$/.test(trustProxy) ? (_address: string, hop: number) => hop < Number(trustProxy) : trustProxy,
  };
  if (cookieSecret) app.cookieSecret = cookieSecret;
  if (identitySecret) app.identitySecret = identitySecret;
  if (adminToken) app.adminToken = adminToken;
  if (env.O2O_MODEL_FILE) app.modelFile = env.O2O_MODEL_FILE;
  const trainEvery = integer(env, 'O2O_TRAIN_INTERVAL_S', 0, 0, 86_400 * 365);
  if (trainEvery) app.learning = { intervalMs: trainEvery * 1000 };
  const config: ServiceConfig = {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: env.O2O_DATA_DIR || '.o2o-data',
    shutdownTimeoutMs: integer(env, 'O2O_SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    app,
  };
  if (databaseUrl) config.databaseUrl = databaseUrl;
  return config;
}
