/**
 * The panel's view of the network: records the SDK's requests and their
 * answers, and simulates being offline by failing them the way a real
 * offline browser does (`fetch` rejects with a TypeError, `sendBeacon`
 * returns false). Installed only when the panel is loaded.
 */

/** One request the SDK made to its collector. */
export interface Exchange {
  /** When it started (epoch ms). */
  at: number;
  method: string;
  /** Path and query of the request. */
  path: string;
  /** HTTP status, `0` when it failed, `-1` while pending, `204` for an accepted beacon. */
  status: number;
  /** Start of the response body, or why it failed. */
  note: string;
}

/** The recorder and offline switch. */
export interface Network {
  /** Newest first, at most 20. */
  readonly exchanges: readonly Exchange[];
  /** Whether requests are failing on purpose. */
  readonly offline: boolean;
  /** Turns the simulation on or off; going back online fires the `online` event so the SDK retries. */
  setOffline(offline: boolean): void;
}

const OFFLINE_KEY = 'o2o_debug_offline';
const SDK_PATH = /\/v1\/(batch|profile|forget|model|device)\b/;

function pathOf(input: RequestInfo | URL): string {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  return url.pathname + url.search;
}

let installed: Network | undefined;

/** Installs the recorder once per page and returns it. */
export function installNetwork(win: Window & typeof globalThis = window): Network {
  if (installed) return installed;
  const exchanges: Exchange[] = [];
  let offline = false;
  try {
    offline = win.sessionStorage.getItem(OFFLINE_KEY) === '1';
  } catch {
    // Storage blocked: the switch lasts for this page only.
  }
  const remember = (exchange: Exchange): Exchange => {
    exchanges.unshift(exchange);
    exchanges.length = Math.min(exchanges.length, 20);
    return exchange;
  };
  const realFetch = win.fetch.bind(win);
  win.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const path = pathOf(input);
    if (!SDK_PATH.test(path)) return realFetch(input, init);
    const exchange = remember({ at: Date.now(), method: init?.method ?? 'GET', path, status: -1, note: '' });
    if (offline) {
      exchange.status = 0;
      exchange.note = 'failed: offline (simulated)';
      throw new TypeError('Failed to fetch (offline simulated by the OneToOne debug panel)');
    }
    try {
      const response = await realFetch(input, init);
      exchange.status = response.status;
      exchange.note = (await response.clone().text()).slice(0, 160);
      return response;
    } catch (error) {
      exchange.status = 0;
      exchange.note = `failed: ${error instanceof Error ? error.message : String(error)}`;
      throw error;
    }
  };
  const beacon = win.navigator.sendBeacon?.bind(win.navigator);
  if (beacon) {
    win.navigator.sendBeacon = (url: string | URL, data?: BodyInit | null): boolean => {
      const path = pathOf(url);
      if (!SDK_PATH.test(path)) return beacon(url, data);
      const queued = !offline && beacon(url, data);
      remember({ at: Date.now(), method: 'BEACON', path, status: queued ? 204 : 0, note: queued ? 'queued by the browser' : offline ? 'failed: offline (simulated)' : 'refused by the browser' });
      return queued;
    };
  }
  installed = {
    exchanges,
    get offline() {
      return offline;
    },
    setOffline(next) {
      offline = next;
      try {
        if (next) win.sessionStorage.setItem(OFFLINE_KEY, '1');
        else win.sessionStorage.removeItem(OFFLINE_KEY);
      } catch {
        // See above.
      }
      win.dispatchEvent(new Event(next ? 'offline' : 'online'));
    },
  };
  return installed;
}
