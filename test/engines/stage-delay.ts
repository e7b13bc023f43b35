/**
 * A proxy in front of the shop, on 127.0.0.1, that serves the script-tag
 * build under `/slow-dist/` with a second stage held for {@link HOLD_MS} and
 * then refused (503): a page loading the core from there runs without its
 * second stage for that long, deterministically in every engine. (Never
 * answering is not an option: Firefox then never fires the next page's
 * `load`.) Everything else passes through unchanged (same origin for the
 * pages, so one IndexedDB).
 */
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the held second stage is served. */
export const SLOW_CORE = '/slow-dist/onetoone.min.js';

/** How long the second stage under `/slow-dist/` is held before it is refused, ms. */
export const HOLD_MS = 2000;

/** The running proxy. */
export interface StageDelayProxy {
  url: string;
  /** Requests for the held second stage so far (none of them was served). */
  readonly heldStageRequests: number;
  close(): Promise<void>;
}

/** Starts the proxy in front of `target` (the shop's URL). */
export async function startStageDelayProxy(target: string): Promise<StageDelayProxy> {
  const upstream = new URL(target);
  let held = 0;
  const pending = new Set<ServerResponse>();
  const forward = (incoming: IncomingMessage, response: ServerResponse): void => {
    const path = (incoming.url ?? '/').replace(/^\/slow-dist\//, '/dist/');
    const out = request({ host: upstream.hostname, port: upstream.port, path, method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    out.on('error', () => response.destroy());
    incoming.pipe(out);
  };
  const server = createServer((incoming, response) => {
    if (incoming.url?.startsWith('/slow-dist/onetoone-stage.min.js')) {
      held++;
      pending.add(response);
      const timer = setTimeout(() => (pending.delete(response), response.writeHead(503).end()), HOLD_MS);
      response.on('close', () => clearTimeout(timer));
      return;
    }
    forward(incoming, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get heldStageRequests() {
      return held;
    },
    close: () =>
      new Promise<void>((resolve) => {
        pending.forEach((response) => response.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
