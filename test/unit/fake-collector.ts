/**
 * A protocol-v2 collector in memory, as a `fetch` stand-in for unit tests of
 * the client's side (docs/protocol.md, briefs' protocol v2): device
 * registration and cookie restore, key checks on every request, batches
 * applied with core/merge and the per-key sequence rule, profile pulls and
 * erasure. The browser's cookie jar is one variable: a request sent with
 * `credentials: 'omit'` neither carries nor receives it, as a browser would.
 * The Chromium suite runs the real service; this one checks the client's
 * logic fast and without a network.
 */
import { type DeviceState, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';
import type { Delta } from '../../src/core/merge.js';

/** One request as the fake saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  credentials: RequestCredentials | undefined;
  status: number;
}

interface Known {
  key: string;
  state: DeviceState;
  seqs: Record<string, number>;
}

/** The fake collector; install with `vi.stubGlobal('fetch', collector.fetch)`. */
export class FakeCollector {
  readonly devices = new Map<string, Known>();
  readonly requests: SeenRequest[] = [];
  /** The first-party device cookie, as the browser keeps it. */
  cookie: string | undefined;
  /** Answers forced for the next requests to a path (status only), in order. */
  readonly faults = new Map<string, number[]>();

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    const seen: SeenRequest = { method: init.method ?? 'GET', path: url.pathname, body, credentials: init.credentials, status: 0 };
    this.requests.push(seen);
    const withCookie = init.credentials !== 'omit';
    const forced = this.faults.get(url.pathname)?.shift();
    const [status, answer, cookie] = forced ? [forced, { ok: false, error: 'forced' }, undefined] : this.answer(seen.method, url.pathname, body, withCookie ? this.cookie : undefined);
    seen.status = status;
    if (withCookie && cookie !== undefined) this.cookie = cookie || undefined;
    return new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
  };

  /** Paths of the requests so far. */
  paths(): string[] {
    return this.requests.map((r) => r.path);
  }

  /** Seeds a device as if an earlier visit had registered it and pushed `fields`. */
  seed(device: string, key: string, deltas: Delta[]): void {
    const seqs: Record<string, number> = {};
    for (const d of deltas) seqs[d.key] = d.s;
    this.devices.set(device, { key, state: applyDeltas(emptyDeviceState(), deltas), seqs });
    this.cookie = device;
  }

  private answer(method: string, path: string, body: Record<string, unknown> | undefined, cookie: string | undefined): [number, unknown, string?] {
    if (method === 'GET') return [404, { ok: false, error: 'not here' }];
    if (!body || body.v !== 2 || typeof body.deviceKey !== 'string' || !/^[\w-]{43}$/.test(body.deviceKey) || typeof body.device !== 'string') {
      return [401, { ok: false, error: 'device credential required: protocol v2' }];
    }
    const device = body.device;
    const key = body.deviceKey;
    const known = this.devices.get(device);
    if (path === '/v1/device') {
      if (!known && cookie && cookie !== device && this.devices.has(cookie)) {
        (this.devices.get(cookie) as Known).key = key;
        return [200, { ok: true, device: cookie, restored: true }, cookie];
      }
      if (known && known.key !== key) return [401, { ok: false, error: 'device credential mismatch' }];
      if (!known) this.devices.set(device, { key, state: emptyDeviceState(), seqs: {} });
      return [200, { ok: true, device, restored: false }, device];
    }
    if (known && known.key !== key) return [401, { ok: false, error: 'device credential mismatch' }];
    if (path === '/v1/batch') {
      const entry = known ?? { key, state: emptyDeviceState(), seqs: {} };
      this.devices.set(device, entry);
      const fresh = (body.deltas as Delta[]).filter((d) => d.s > (entry.seqs[d.key] ?? -1));
      for (const d of fresh) entry.seqs[d.key] = d.s;
      entry.state = applyDeltas(entry.state, fresh);
      return [200, { ok: true, id: body.id, duplicate: false, applied: fresh.length }, device];
    }
    // The cookie is set only by a request that proved a known device.
    if (path === '/v1/profile') return [200, { device, user: null, replica: known ? { [device]: known.state } : {} }, known ? device : undefined];
    if (path === '/v1/forget') {
      this.devices.delete(device);
      return [200, { ok: true, erased: [device] }, ''];
    }
    return [404, { ok: false, error: 'unknown route' }];
  }
}
