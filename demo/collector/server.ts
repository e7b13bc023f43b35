/**
 * The collector service (server/app.ts) with the demo's static files on
 * 127.0.0.1, as the browser and reliability suites start it.
 *
 * Tests can inject faults (error statuses, `Retry-After`, hanging requests)
 * through {@link RunningServer.faults}; there is no HTTP route for it.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import type { ServiceBounds } from '../../server/options.js';
import type { RateLimit } from '../../server/rate-limit.js';
import type { DeviceState } from '../../src/core/merge.js';
import type { CollectorStore, ReceivedBatch } from '../../server/store/store.js';
import { openStore } from '../../server/store/open-store.js';

export { DEMO_CSP } from '../../server/static-files.js';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Where the embedded store keeps its database (ignored when `store` is given). */
  dataDir: string;
  /** Static roots by URL prefix, e.g. `{ '/': 'demo/public', '/dist/': 'dist' }`. */
  staticRoots: Record<string, string>;
  /** Write keys accepted; empty accepts any (or none). */
  writeKeys?: string[];
  /** Largest request body, bytes. */
  maxBodyBytes?: number;
  /** JSON model document served at `/v1/model` (read per request, so edits apply); the built-in model when absent. */
  modelFile?: string;
  /** Server-side bounds (a suite whose page clock is faked days ahead raises `maxFutureMs`). */
  bounds?: Partial<ServiceBounds>;
  /** The site's identity secret (verified identify). */
  identitySecret?: string;
  /** Rate limits (default: none, so load scenarios measure the client, not the limiter). */
  rateLimits?: { ip?: RateLimit; device?: RateLimit; decisions?: RateLimit };
  /** A store to use instead of the embedded one in `dataDir` (closed with the server). */
  store?: CollectorStore;
}

/**
 * A fault the next API request to `path` (default `/v1/batch`) gets instead of its normal answer. With
 * `apply`, the request is processed first and only the answer is replaced
 * (the client cannot know it was applied: the case retries must survive).
 */
export type Fault = ({ status: number; retryAfter?: string } | { hang: true }) & { apply?: boolean; path?: string };

/** One API request as the collector saw it, for tests. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  /** When it arrived and when its answer was finished (0 while pending or hung), epoch ms. */
  at: number;
  end: number;
}

/** What tests read from the collector's store (async: the store is a database). */
export interface StoreView {
  /** A device's merged state, if any. */
  device(device: string): Promise<DeviceState | undefined>;
  /** The last accepted batches, oldest first (up to 10,000). */
  received(): Promise<ReceivedBatch[]>;
  /** The store itself. */
  readonly raw: CollectorStore;
}

/** A running server. */
export interface RunningServer {
  url: string;
  store: StoreView;
  /** Faults to answer the next API requests with, first in first out (tests only). */
  faults: Fault[];
  /** Every API request (`/v1/…` except `/v1/received`) received, oldest first. */
  requests: SeenRequest[];
  app: FastifyInstance;
  close(): Promise<void>;
}

const NO_LIMIT: RateLimit = { perMinute: 0, burst: 0 };
const FAULT = Symbol('fault');

/** Answers API requests with the next matching fault and records every API request. */
function injectFaults(app: FastifyInstance, faults: Fault[], requests: SeenRequest[]): void {
  const seenOf = new WeakMap<object, SeenRequest>();
  app.addHook('preParsing', async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    if (!path.startsWith('/v1/') || path === '/v1/received') return;
    const seen: SeenRequest = { method: request.method, path, status: 0, at: Date.now(), end: 0 };
    requests.push(seen);
    seenOf.set(request, seen);
    const index = request.method === 'OPTIONS' ? -1 : faults.findIndex((f) => (f.path ?? '/v1/batch') === path);
    const fault = index < 0 ? undefined : faults.splice(index, 1)[0];
    if (!fault) return;
    if ('hang' in fault && !fault.apply) return new Promise<void>(() => undefined);
    if (fault.apply) (request as unknown as Record<symbol, Fault>)[FAULT] = fault;
    else return reply.code((fault as { status: number }).status).headers((fault as { retryAfter?: string }).retryAfter ? { 'retry-after': (fault as { retryAfter: string }).retryAfter } : {}).send({ ok: false, error: 'injected fault' });
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const fault = (request as unknown as Record<symbol, Fault | undefined>)[FAULT];
    if (!fault) return payload;
    // Applied: the request did its work; the client only sees the fault.
    if ('hang' in fault) return new Promise<never>(() => undefined);
    reply.code(fault.status);
    if (fault.retryAfter) reply.header('retry-after', fault.retryAfter);
    return JSON.stringify({ ok: false, error: 'injected fault' });
  });
  app.addHook('onResponse', async (request, reply) => {
    const seen = seenOf.get(request);
    if (seen) ((seen.status = reply.statusCode), (seen.end = Date.now()));
  });
}

/** Starts the collector service and the demo's static files on 127.0.0.1 (development mode). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = options.store ?? (await openStore({ dataDir: options.dataDir }));
  const faults: Fault[] = [];
  const requests: SeenRequest[] = [];
  const app = buildApp({
    store,
    production: false,
    writeKeys: options.writeKeys?.length ? options.writeKeys : 'any',
    allowedOrigins: 'local',
    rateLimits: options.rateLimits ?? { ip: NO_LIMIT, device: NO_LIMIT, decisions: NO_LIMIT },
    staticRoots: options.staticRoots,
    forceCloseConnections: true,
    // A demo visit logs a handful of decisions: train from as few as 20 (the service default is 200).
    learning: { run: { minDecisions: 20 } },
    ...(options.identitySecret ? { identitySecret: options.identitySecret } : {}),
    ...(options.bounds ? { bounds: options.bounds } : {}),
    ...(options.maxBodyBytes ? { bodyLimit: options.maxBodyBytes } : {}),
    ...(options.modelFile ? { modelFile: options.modelFile } : {}),
  });
  injectFaults(app, faults, requests);
  try {
    await app.listen({ port: options.port, host: '127.0.0.1' });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store: { device: (id) => store.device(id), received: () => store.received(10_000), raw: store },
    faults,
    requests,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
