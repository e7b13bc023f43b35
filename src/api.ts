/**
 * The public shape of a OneToOne client, apart from any implementation: the
 * script tag's stubs, the full client, the inert server-rendering client and
 * the debug panel all speak it, so none of them imports another to name it.
 */
import type { Decision } from './core/decide.js';
import type { Recommendation } from './core/recommend.js';
import type { ProfileView } from './core/view.js';
import type { VisitContext } from './core/context.js';
import type { VariantSpec, describedCandidates } from './core/variants.js';
import type { ConsentState } from './config.js';
import type { StorageMode } from './store/store.js';

/** Turns variants described in code into candidates (core/variants.ts): lent by the npm door; the script tag's variants are markup. */
export type DescribeVariants = typeof describedCandidates;

/** Properties of a tracked event; `items` and `value` are lifted into the event. */
export type TrackProperties = Record<string, unknown> & { items?: unknown[]; value?: number };

/** The OneToOne client returned by `init()`. */
export interface OneToOne {
  /** Resolves when storage is open, the profile is loaded and the page's slots are decided. */
  readonly ready: Promise<void>;
  /** Current storage mode: `indexeddb`, or `memory` when IndexedDB is unavailable or consent is not granted. */
  readonly storageMode: StorageMode;
  /** Counts of rejected input and failures by reason. */
  readonly counters: Readonly<Record<string, number>>;
  /**
   * Records an event. Resolves `true` once it is durable in storage, `false` if it was rejected.
   * Never throws.
   */
  track(name: string, properties?: TrackProperties): Promise<boolean>;
  /**
   * Links this visitor to a user id, with optional traits. With
   * `options.signature` (see {@link IdentifyOptions}) the collector verifies the
   * link and joins this device's profile with the user's other devices.
   * Resolves `false` when the call is refused (an invalid signature is counted, and nothing is written).
   */
  identify(userId: string, traits?: Record<string, unknown>, options?: IdentifyOptions): Promise<boolean>;
  /**
   * The decision for a slot on this page, made once per page view: from the slot's markup, else from
   * `variants` (variants your code renders, with their tags and optional eligibility: decided from the
   * local profile, no model needed), else from the model's declaration. `undefined` until the profile is
   * loaded, and for a slot none of them describes.
   */
  decide(slot: string, variants?: readonly VariantSpec[]): Decision | undefined;
  /**
   * Up to `n` catalog items for this visitor, best first and diverse, leaving out what they bought:
   * `data-o2o-item` elements inside `[data-o2o-recommend="<slot>"]` and the model's candidates for the slot.
   * Empty until the profile is loaded.
   */
  recommend(slot: string, n?: number): Recommendation[];
  /** Calls `callback` for every decision made from now on (and the ones already made). Returns an unsubscribe function. */
  onDecision(callback: (decision: Decision) => void): () => void;
  /** The visitor's profile values now, once loaded (with the script tag: once `ready` resolves, when its second stage has run; `undefined` before). */
  profile(): ProfileView | undefined;
  /** Sends queued deltas now. */
  flush(): Promise<void>;
  /** Erases this visitor's local state and asks the backend to erase theirs. */
  forget(): Promise<void>;
  /** Records a page view now (for apps that route without the History API), with optional extra properties. */
  page(properties?: Record<string, unknown>): Promise<void>;
  /** This visit's context (device, time, referrer class, campaign, session number), once loaded. */
  context(): VisitContext | undefined;
  /** Current consent state; while not `granted`, nothing is stored (memory only) or sent. */
  readonly consent: ConsentState;
  /** Records the visitor's choice: `granted` persists this page's state and starts syncing; otherwise writing and sending stop. */
  setConsent(state: ConsentState): Promise<void>;
  /** Opens or closes the debug panel (script tag: loaded on demand; npm: after `installDebugPanel()` from `onetoone/debug`). */
  debug(): void;
}

/** Options of {@link OneToOne.identify}. */
export interface IdentifyOptions {
  /**
   * Lowercase hex HMAC-SHA256 of the user id, keyed with the site's identity
   * secret and computed by the site's own server (never in the page). Written
   * as the register `u.sig` next to `u.id`; only a verified user id links devices.
   */
  signature?: string;
}
