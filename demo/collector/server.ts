/**
 * The reference collector and demo web server, on 127.0.0.1 only.
 *
 * API (docs/protocol.md): `POST /v1/batch`, `GET /v1/profile?device=…`,
 * `POST /v1/forget`, `GET /v1/model`, and `GET /v1/received` for QA.
 * Tests can inject faults (error statuses, `Retry-After`, hanging requests)
 * through {@link RunningServer.faults}; there is no HTTP route for it.
 * Everything else is a static file from the demo folder or `dist/`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { CollectorStore } from './collector-store.js';
import { checkBatch, checkForget } from './validate.js';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Where the collector persists its state. */
  dataDir: string;
  /** Static roots by URL prefix, e.g. `{ '/': 'demo/public', '/dist/': 'dist' }`. */
  staticRoots: Record<string, string>;
  /** Write keys accepted; empty accepts any (or none). */
  writeKeys?: string[];
  /** Largest request body, bytes. */
  maxBodyBytes?: number;
  /** JSON model document served at `/v1/model` (read per request, so edits apply); the built-in model when absent. */
  modelFile?: string;
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

/** A running server. */
export interface RunningServer {
  url: string;
  store: CollectorStore;
  /** Faults to answer the next API requests with, first in first out (tests only). */
  faults: Fault[];
  /** Every API request (`/v1/…`) received, oldest first. */
  requests: SeenRequest[];
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The demo's Content-Security-Policy: no inline script, no eval. */
export const DEMO_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'etag, retry-after' };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...CORS, ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<{ json: unknown; bytes: number }> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and discarded, so the client gets the 413 rather than a reset.
      if (size > limit) reject(new HttpError(413, `body larger than ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) return;
      try {
        resolveBody({ json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, bytes: size });
      } catch {
        reject(new HttpError(400, 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

async function serveStatic(res: ServerResponse, pathname: string, roots: Record<string, string>): Promise<void> {
  const prefix = Object.keys(roots).sort((a, b) => b.length - a.length).find((p) => pathname.startsWith(p));
  if (prefix === undefined) throw new HttpError(404, 'not found');
  const root = resolve(roots[prefix] as string);
  let relative = decodeURIComponent(pathname.slice(prefix.length));
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const file = normalize(join(root, relative));
  if (!file.startsWith(root)) throw new HttpError(404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    throw new HttpError(404, 'not found');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = DEMO_CSP;
  res.writeHead(200, headers);
  res.end(body);
}

function checkKey(writeKeys: string[], key: string | undefined): void {
  if (writeKeys.length && (!key || !writeKeys.includes(key))) throw new HttpError(401, 'unknown or missing writeKey');
}

async function route(req: IncomingMessage, res: ServerResponse, store: CollectorStore, options: ServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const limit = options.maxBodyBytes ?? 256 * 1024;
  const keys = options.writeKeys ?? [];
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, if-none-match', 'access-control-max-age': '86400' });
    res.end();
    return;
  }
  if (url.pathname === '/v1/batch' && req.method === 'POST') {
    const body = await readBody(req, limit);
    const checked = checkBatch(body.json);
    if (!checked.ok) throw new HttpError(400, checked.error);
    checkKey(keys, checked.value.writeKey);
    const record = store.accept(checked.value, body.bytes);
    send(res, 200, { ok: true, id: record.id, duplicate: record.duplicate, applied: record.applied });
  } else if (url.pathname === '/v1/forget' && req.method === 'POST') {
    const checked = checkForget((await readBody(req, limit)).json);
    if (!checked.ok) throw new HttpError(400, checked.error);
    checkKey(keys, checked.value.writeKey);
    send(res, 200, { ok: true, erased: store.erase(checked.value.device) });
  } else if (url.pathname === '/v1/profile' && req.method === 'GET') {
    checkKey(keys, url.searchParams.get('writeKey') || undefined);
    const device = url.searchParams.get('device') ?? '';
    // An unknown device is not an error: a new visitor's first pull simply finds nothing.
    send(res, 200, { device, user: store.userOf(device) ?? null, replica: store.replica(device) });
  } else if (url.pathname === '/v1/model' && req.method === 'GET') {
    const text = options.modelFile ? await readFile(options.modelFile, 'utf8').catch(() => undefined) : undefined;
    const model: unknown = text === undefined ? BUILTIN_MODEL : JSON.parse(text);
    const etag = '"' + createHash('sha256').update(JSON.stringify(model)).digest('base64url').slice(0, 22) + '"';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...CORS, etag, 'cache-control': 'no-cache' });
      res.end();
    } else send(res, 200, model, { etag, 'cache-control': 'no-cache' });
  } else if (url.pathname === '/v1/received' && req.method === 'GET') {
    send(res, 200, { batches: store.received() });
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    await serveStatic(res, url.pathname, options.staticRoots);
  } else {
    throw new HttpError(405, 'method not allowed');
  }
}

/** Starts the server on 127.0.0.1. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = new CollectorStore(options.dataDir);
  const faults: Fault[] = [];
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path.startsWith('/v1/') && path !== '/v1/received') {
      const seen: SeenRequest = { method: req.method ?? '', path, status: 0, at: Date.now(), end: 0 };
      requests.push(seen);
      res.on('finish', () => ((seen.status = res.statusCode), (seen.end = Date.now())));
      const index = req.method === 'OPTIONS' ? -1 : faults.findIndex((f) => (f.path ?? '/v1/batch') === path);
      const fault = index < 0 ? undefined : faults.splice(index, 1)[0];
      if (fault) {
        const answer = (): void => {
          if (!('hang' in fault)) send(res, fault.status, { ok: false, error: 'injected fault' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
        };
        const sink = { headersSent: false, writeHead: () => sink, end: () => undefined } as unknown as ServerResponse;
        if (fault.apply) void route(req, sink, store, options).catch(() => undefined).then(answer);
        else answer();
        return;
      }
    }
    route(req, res, store, options).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : 'internal error';
      if (!res.headersSent) send(res, status, { ok: false, error: message });
      else res.end();
    });
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveServer({
        url: `http://127.0.0.1:${port}`,
        store,
        faults,
        requests,
        server,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
