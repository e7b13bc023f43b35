/**
 * The client `init()` returns where there is no page: server rendering under
 * Node (Next.js, Remix, Astro and the like import the SDK on the server),
 * workers, tests without a DOM. It personalizes nothing and holds nothing, so
 * a server process that calls `init()` exits by itself: no DOM access, no
 * storage, no network, no timer, no MessagePort or BroadcastChannel.
 */
import type { IdentifyOptions, OneToOne, TrackProperties } from './api.js';
import { DEFAULT_VARIANT, type Decision } from './core/decide.js';
import type { Recommendation } from './core/recommend.js';
import type { ConsentState, ResolvedConfig } from './config.js';

/** The `feature` of the one explanation line of every decision an inert client returns. */
export const NO_PAGE_REASON = 'no-page';

/** True where `init()` can run the real client: a window with a document. */
export function hasPage(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

/** Resolved once, shared: a settled promise keeps no process alive. */
const DONE: Promise<void> = Promise.resolve();
const REFUSED: Promise<boolean> = Promise.resolve(false);
const NO_COUNTERS: Readonly<Record<string, number>> = Object.freeze({});

/**
 * A client with the full {@link OneToOne} API where every call is safe and
 * does nothing: events are refused (`false`), nothing is stored or sent, and
 * `decide(slot)` returns the slot's default (variant `default`, score 0,
 * model `none`) with one explanation line (`feature: "no-page"`) that says why.
 * The browser decides for real once the page loads its own client.
 */
class InertClient implements OneToOne {
  readonly ready = DONE;
  readonly storageMode = 'memory' as const;
  readonly counters = NO_COUNTERS;
  consent: ConsentState;

  constructor(config: ResolvedConfig) {
    this.consent = config.consent;
  }

  track(_name: string, _properties?: TrackProperties): Promise<boolean> {
    return REFUSED;
  }

  identify(_userId: string, _traits?: Record<string, unknown>, _options?: IdentifyOptions): Promise<boolean> {
    return REFUSED;
  }

  decide(slot: string): Decision {
    return {
      slot: String(slot),
      variant: DEFAULT_VARIANT,
      score: 0,
      group: 'personalized',
      model: 'none',
      explanation: [{ feature: NO_PAGE_REASON, value: 0, text: 'no page here (server rendering): the default is shown until the browser decides' }],
      explored: false,
      // Nothing competed: no page, no profile, no model.
      inputs: { features: {}, competed: [] },
    };
  }

  recommend(_slot: string, _n?: number): Recommendation[] {
    return [];
  }

  onDecision(_callback: (decision: Decision) => void): () => void {
    // No decision is ever made here, so there is nothing to call back and nothing to unsubscribe.
    return () => undefined;
  }

  profile(): undefined {
    return undefined;
  }

  context(): undefined {
    return undefined;
  }

  flush(): Promise<void> {
    return DONE;
  }

  forget(): Promise<void> {
    return DONE;
  }

  page(_properties?: Record<string, unknown>): Promise<void> {
    return DONE;
  }

  setConsent(state: ConsentState): Promise<void> {
    // Remembered for this object only, as the real client would report it; nothing is written.
    if (state === 'granted' || state === 'pending' || state === 'denied') this.consent = state;
    return DONE;
  }

  debug(): void {
    // No panel without a page.
  }
}

/** The client for a place without a page; see {@link InertClient}. */
export function inertClient(config: ResolvedConfig): OneToOne {
  return new InertClient(config);
}
