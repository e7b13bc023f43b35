/**
 * Options of the collector service ({@link buildApp}) and their defaults. The
 * defaults are the development ones; `server/config.ts` turns environment
 * variables into options and insists on the production ones.
 */
import type { FastifyServerOptions } from 'fastify';
import type { CollectorStore } from './store/store.js';
import type { LearningOptions } from './learn/learn-routes.js';
import type { RateLimit } from './rate-limit.js';

/** Server-side bounds on what one device may write (docs/security.md). */
export interface ServiceBounds {
  /** Most fields one device may hold (the client keeps 512). */
  maxFields: number;
  /** Most bytes of field JSON one device may hold. */
  maxBytes: number;
  /** Largest step of a batch's highest sequence number above the device's highest so far. */
  maxSeqStep: number;
  /** How far in the future a field's time `t` may lie, ms. */
  maxFutureMs: number;
  /** Most devices verified as one user returned by a pull. */
  maxLinkedDevices: number;
  /** Most decisions one device may have in the decision log; later ones are refused (counted in the answer). */
  maxDecisionsPerDevice: number;
  /** Most outcomes stored per decision. */
  maxOutcomesPerDecision: number;
}

/** Everything {@link buildApp} needs. Only `store` is required; the rest defaults to development values. */
export interface AppOptions {
  store: CollectorStore;
  /** Production mode: write keys and a cookie secret required, admin routes off without a token. Default false. */
  production?: boolean;
  /** Accepted write keys; `'any'` (development default) accepts any or none. */
  writeKeys?: readonly string[] | 'any';
  /** Origins allowed to call the API cross-origin; `'local'` (development default) is http(s) on 127.0.0.1/localhost, any port. Same-host requests are always allowed. */
  allowedOrigins?: readonly string[] | 'local';
  /** Bearer token of `GET /v1/received`; without it the route is open in development and absent in production. */
  adminToken?: string;
  /** The site's identity secret (HMAC of user ids); without it nothing links. */
  identitySecret?: string;
  /** Secret of the device cookie's HMAC; required in production, random per process otherwise. */
  cookieSecret?: string;
  /** `Secure` attribute on the device cookie. Default: true in production. */
  cookieSecure?: boolean;
  /** Requests per IP, per device (profile routes), and per device on `POST /v1/decisions`. */
  rateLimits?: { ip?: RateLimit; device?: RateLimit; decisions?: RateLimit };
  bounds?: Partial<ServiceBounds>;
  /** Largest request body, bytes (default 256 KiB). */
  bodyLimit?: number;
  /** fastify's logger option (pino): false, true or pino options. Default false. */
  logger?: FastifyServerOptions['logger'];
  /** JSON model served at `/v1/model` (read per request); the built-in model when absent or unreadable. */
  modelFile?: string;
  /** Static roots by URL prefix for the demo, e.g. `{ '/': 'demo/public', '/dist/': 'dist' }`. */
  staticRoots?: Record<string, string>;
  /** Store only field keys of `[A-Za-z][A-Za-z0-9_.:-]{0,127}`, refusing site labels with spaces, accents or other scripts (default false: only `<`/`>` are refused beyond the SDK's own key rule). */
  asciiKeys?: boolean;
  /** fastify's `trustProxy` (client IP from `X-Forwarded-For` behind a reverse proxy). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Training settings and schedule (docs/learning.md); training is on demand only unless `intervalMs` is set. */
  learning?: LearningOptions;
  /** fastify's `forceCloseConnections` (tests close hung requests). */
  forceCloseConnections?: boolean | 'idle';
}

/** Default bounds (docs/security.md). */
export const DEFAULT_BOUNDS: ServiceBounds = {
  maxFields: 1024,
  maxBytes: 256 * 1024,
  maxSeqStep: 1_000_000,
  maxFutureMs: 5 * 60_000,
  maxLinkedDevices: 50,
  maxDecisionsPerDevice: 10_000,
  maxOutcomesPerDecision: 16,
};

/** Default rate limits: per IP (a whole office or carrier NAT shares one), per device, and per device for the decision log. */
export const DEFAULT_RATE_LIMITS: { ip: RateLimit; device: RateLimit; decisions: RateLimit } = {
  ip: { perMinute: 1200, burst: 300 },
  device: { perMinute: 120, burst: 60 },
  decisions: { perMinute: 60, burst: 30 },
};
