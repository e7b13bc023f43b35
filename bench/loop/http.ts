/**
 * Real HTTP to the collector on 127.0.0.1, through node:http with a
 * keep-alive agent (libuv's monotonic timers: the simulator moves Date.now
 * across days, which fetch's own timers read).
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** An HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request to `base` (http://127.0.0.1:port) and reads the whole answer. */
export function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, base);
  if (url.hostname !== '127.0.0.1') throw new Error('the simulator only talks to 127.0.0.1');
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, {
      method, agent,
      headers: { ...(payload ? { 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Like {@link call}, failing unless the status is 2xx, and parsing JSON. */
export async function json<T>(base: string, method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const answer = await call(base, method, path, body, headers);
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.body.slice(0, 300)}`);
  return JSON.parse(answer.body) as T;
}

/** Closes idle keep-alive sockets (end of a run). */
export function closeConnections(): void {
  agent.destroy();
}
