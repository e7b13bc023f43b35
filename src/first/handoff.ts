/**
 * What the first file hands the second stage when it arrives: the page's
 * configuration and state as the first decisions left them, and the calls
 * and events that waited for it. The stage adopts all of it; it never decides
 * or swaps again a slot the first file showed.
 */
import type { OneToOne } from '../api.js';
import type { ConsentState, FirstConfig } from '../config.js';
import type { VisitContext } from '../core/context.js';
import type { Decision } from '../core/decide.js';
import type { Model } from '../core/model.js';
import type { DebugLog } from '../debug/log.js';
import type { PageSlot } from '../render/slots.js';
import type { PageDecisions } from './decisions.js';
import type { FirstRead } from './read.js';
import type { EarlySlot } from './slot-clicks.js';

/**
 * One call made before the second stage ran: when, which API method (or
 * `record`, a collected raw event), and its arguments. Stored as it is (after
 * a JSON round trip) under `pending` when the page is hidden or left.
 */
export type PendingCall = [at: number, method: string, ...args: unknown[]];

/** A buffered call and where its result goes (the caller's promise). */
export interface BufferedCall {
  call: PendingCall;
  /** Settles the caller's promise with the second stage's answer. */
  done(result: unknown): void;
}

/** See the module comment. */
export interface Handoff {
  /** The tag's configuration, the first file's options checked; the stage checks the rest (`resolveStageConfig`). */
  config: FirstConfig;
  /** Consent as it stands now (`setConsent` calls before the stage were applied and are also among {@link calls}). */
  consent: ConsentState;
  /** The first file's log: one set of counters for the page. */
  log: DebugLog;
  /** The decisions already shown, and their listeners. */
  decisions: PageDecisions;
  /** What the first read returned (its connection included). */
  read: FirstRead;
  /** The model the first decisions were made with. */
  model: Model;
  /** Forced variants of this page view (QA preview). */
  preview: Map<string, string>;
  /** This visit's context as the first decisions saw it (`decisionContext`); the stage describes the rest (`describeVisit`). */
  visit: VisitContext;
  /** Calls and collected events still in memory, oldest first. */
  calls: BufferedCall[];
  /** The slot elements shown so far, watched for their first click until now: the stage watches them from here on. */
  slots: EarlySlot[];
  /** The core script's URL: the debug panel loads from next to it. */
  script?: string;
}

/** The full client as the first file sees it once the stage started it. */
export interface StageClient extends OneToOne {
  /** Decides a markup slot that appeared after the handoff (once per slot, like the first ones); `undefined` until its profile is loaded. */
  decidePageSlot(slot: PageSlot): Decision | undefined;
  /** Watches a shown slot element for its impression and first click (not when `clicked` already). */
  watchSlot(element: HTMLElement, decision: Decision, clicked?: boolean): void;
  /** Validates and stores a collected raw event (slot impressions and clicks). */
  collect(raw: Record<string, unknown>): Promise<boolean>;
}

/** What `onetoone-stage.min.js` publishes as `window.OneToOneStage`. */
export interface Stage {
  /** Starts the full client from the first file's handoff. */
  start(handoff: Handoff): StageClient;
}
