/**
 * The decision log in the client (second stage): records every decision the
 * page made (slots, and the exit-intent offer when it is acted on) with its
 * propensity and decision-time features (src/core/decision-log.ts), attributes
 * the page's impressions, clicks, carts, purchases and conversions to them
 * (src/core/outcomes.ts), keeps both in a bounded queue in the visitor's
 * store (src/log/decision-queue.ts) and sends them to `POST /v1/decisions`
 * like batches: with the device credential, under a cross-tab lock, with
 * backoff and `Retry-After`, and keepalive when the page goes away.
 *
 * Its writes never go ahead of the page's own events: each storage
 * operation of the log takes the event writer's background turn
 * (`src/second/event-writer.ts`), which comes only while no event waits to be
 * committed, so an add to cart tracked just before the visitor leaves is not
 * queued behind the log's write.
 *
 * It runs only while sync runs, so only with consent; `forget()` clears the
 * store it lives in.
 */
import type { Decision } from '../core/decide.js';
import { buildDecisionRecord, loggable, wireValid } from '../core/decision-log.js';
import type { DecisionRecord } from '../core/decision-record.js';
import type { TrackedEvent } from '../core/events.js';
import { type LastTouch, type LoggedDecision, attribute } from '../core/outcomes.js';
import type { DebugLog } from '../debug/log.js';
import { randomId } from '../store/store.js';
import type { Store } from '../store/store.js';
import { retryDelay, verdictFor } from '../sync/backoff.js';
import { byteLength } from '../sync/batch.js';
import { withSendLock } from '../sync/lock.js';
import type { Proof } from '../sync/register.js';
import { KEEPALIVE_BUDGET } from '../sync/sender.js';
import { PROTOCOL } from '../sync/transport.js';
import { LOG_KEY, type LogState, MAX_REQUEST_BYTES, appendToLog, cutRequest, settleRequest } from './decision-queue.js';
import { type DecisionLogBody, postDecisionLog } from './decision-sender.js';

/**
 * Bytes a keepalive request of the log may carry: what the 64 KiB browsers
 * allow in flight leaves beside the delta batches' {@link KEEPALIVE_BUDGET}.
 */
export const LOG_KEEPALIVE_BYTES = 65_536 - KEEPALIVE_BUDGET - 500;

/** What the logger needs. */
export interface DecisionLogOptions {
  endpoint: string;
  writeKey?: string;
  store: Store;
  log: DebugLog;
  /** The device key (registering first), a result to retry after, or undefined when the device is refused. */
  prove: () => Promise<Proof>;
  /** This page's decisions so far (the client's). */
  decisions: () => Iterable<Decision>;
  /** Delay between new records and a send, ms. */
  flushIntervalMs: number;
  /** Name of the cross-tab lock. */
  lockName: string;
  /**
   * Runs one storage operation of the log once the page's events are written
   * (the event writer's `background`); without it, at once.
   */
  background?: <T>(task: () => Promise<T>) => Promise<T>;
}

/** The running decision log of one page. */
export interface DecisionLog {
  /** Logs the page's new decisions and attributes `events` (just stored by this page); sends after the flush interval. */
  observe(events?: readonly TrackedEvent[]): void;
  /** Logs one decision made outside the page's slots (the exit-intent offer that is shown). */
  decided(decision: Decision): void;
  /** Sends now; `keepalive` when the page is going away (one small request). */
  flush(keepalive?: boolean): Promise<void>;
  /** Stops (consent withdrawn, or erased). */
  stop(): void;
}

/**
 * Decisions this page has logged, across the logs it starts: after `forget()`
 * (or consent withdrawn and granted again) a new log must not record the
 * page's earlier decisions again, under the new device, from the erased profile.
 */
const logged = new WeakSet<Decision>();

/** Starts the decision log; see {@link DecisionLog}. */
export function startDecisionLog(o: DecisionLogOptions): DecisionLog {
  const { store, log, flushIntervalMs, background = (task) => task() } = o;
  let page: LoggedDecision[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;

  /** Records for this page's decisions not logged yet. */
  function fresh(extra?: Decision): DecisionRecord[] {
    const out: DecisionRecord[] = [];
    for (const decision of [...o.decisions(), ...(extra ? [extra] : [])]) {
      if (logged.has(decision)) continue;
      logged.add(decision);
      if (!loggable(decision)) {
        log.count('log:not-policy', decision.slot);
        continue;
      }
      try {
        const record = buildDecisionRecord(decision, randomId(), Date.now());
        const { id, slot, variant } = record;
        if (!wireValid(record)) log.count('log:invalid-record', slot);
        else {
          // Impressions and clicks go to the slot's latest decision on this page (an offer shown twice is two decisions).
          page = [...page.filter((p) => p.slot !== slot), { id, slot, variant }];
          out.push(record);
        }
      } catch (error) {
        log.count('log:record-failed', error);
      }
    }
    return out;
  }

  /**
   * One storage operation, in the writer's background turn (after the page's waiting events); skipped,
   * resolving undefined, once the log is stopped (forget() may have erased the store meanwhile).
   */
  const quietly = <T>(operation: () => Promise<T>): Promise<T | undefined> => background(async () => (stopped ? undefined : operation()));

  /** Applies a step of the queue (src/log/decision-queue.ts) to the stored state; counts what it dropped as `reason`. */
  async function change(step: (stored: LogState | undefined) => [LogState, number], reason: string): Promise<LogState | undefined> {
    let dropped = 0;
    const state = await store.update<LogState>(LOG_KEY, (s) => {
      const [next, n] = step(s);
      dropped = n;
      return next;
    });
    if (dropped) log.count(reason, dropped);
    return state;
  }

  // New records and events wait here until the write's turn comes, and all that came meanwhile goes
  // in that one transaction: the page's decisions as soon as the log starts (a visitor who leaves
  // right after the slots were decided keeps them), outcomes right after the commit of their events.
  let pendingRecords: DecisionRecord[] = [];
  let pendingEvents: TrackedEvent[] = [];
  /** The write waiting for its turn, if any. */
  let writing: Promise<unknown> | undefined;

  /** Writes what waits in memory to the queue (one transaction, in its turn), after the log's earlier operations (the state's writes stay in order within the tab). */
  function write(): Promise<unknown> {
    if (!pendingRecords.length && !pendingEvents.length) return chain;
    return (writing ??= chain = chain
      .then(() => quietly(async () => {
        writing = undefined;
        const records = pendingRecords;
        const events = pendingEvents;
        pendingRecords = [];
        pendingEvents = [];
        await change((s) => appendToLog(s, records, events, page), 'log:dropped');
        schedule(flushIntervalMs);
      }))
      .catch((error: unknown) => log.count('log:failed', error)));
  }

  /**
   * Whether `event` can add an outcome or move the last touch: attribution does nothing with the
   * others (a page view, a scroll), so they cost the log no write. A touch of this moment stands in
   * for the stored one, which a credited event (a purchase) would be attributed to.
   */
  function attributable(event: TrackedEvent): boolean {
    const touch: LastTouch = { any: { d: '', t: event.ts } };
    const step = attribute(event, page, touch);
    return step.outcomes.length > 0 || step.last !== touch;
  }

  function append(events: readonly TrackedEvent[], extra?: Decision): void {
    if (stopped) return;
    pendingRecords.push(...fresh(extra));
    pendingEvents.push(...events.filter(attributable));
    void write();
    // What earlier pages queued goes out after the flush interval whenever the page records something,
    // written or not (a page without slots sends the records its predecessors left).
    if (events.length) schedule(flushIntervalMs);
  }

  function unschedule(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  function schedule(ms: number): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  }

  /** Schedules the next try with backoff, no sooner than the collector's `Retry-After`. */
  const retry = (after?: number): void => schedule(retryDelay(++attempt, after, Math.random()));

  /** Sends the waiting request, cutting one first; true when answered (false: nothing waits, or try later). */
  async function sendOne(keepalive: boolean, deviceKey: string): Promise<boolean> {
    const budget = keepalive ? LOG_KEEPALIVE_BYTES : MAX_REQUEST_BYTES;
    const request = (await quietly(() => change((s) => cutRequest(s, randomId(), budget), 'log:oversize')))?.out;
    // The device id is read in a read-write transaction (it is created on first use): it takes a turn too.
    const device = request && (await quietly(() => store.deviceId()));
    if (!request || device === undefined) return false;
    const { id, decisions, outcomes } = request;
    const body: DecisionLogBody = { v: PROTOCOL, id, device, deviceKey, sentAt: Date.now(), decisions, outcomes };
    if (o.writeKey) body.writeKey = o.writeKey;
    // A request cut earlier for a normal send is too large to go with the page: it waits for the next page.
    if (keepalive && byteLength(JSON.stringify(body)) > budget) return false;
    const { status, retryAfterMs } = await postDecisionLog(o.endpoint, body, keepalive);
    const verdict = verdictFor(status);
    if (verdict === 'retry') {
      log.count('log:retry', status);
      if (!keepalive) {
        unschedule();
        retry(retryAfterMs);
      }
      return false;
    }
    if (verdict === 'drop') log.count('log:dropped-request', status);
    await quietly(() => store.update<LogState>(LOG_KEY, (s) => settleRequest(s, id)));
    log.info(`log: ${id} ${verdict} (${decisions.length} decisions, ${outcomes.length} outcomes)`);
    attempt = 0;
    return true;
  }

  async function drain(keepalive: boolean): Promise<void> {
    const proof = await o.prove();
    // A refused device sends nothing; an answer to retry after schedules the retry.
    if (typeof proof !== 'string') return proof && retry(proof.retryAfterMs);
    // A keepalive send is one request: the page is going away.
    for (let i = 0; i < (keepalive ? 1 : 50) && !stopped && (await sendOne(keepalive, proof)); i++);
  }

  let inFlight: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  function flush(keepalive = false): Promise<void> {
    if (stopped) return Promise.resolve();
    // What the page decided and did since the last look goes into this send.
    append([]);
    unschedule();
    // A send is under way with older records: one more follows it, so a caller of flush() waits for everything written now.
    if (inFlight) return (again ??= inFlight.then(() => ((again = undefined), flush(keepalive))));
    // After this tab's pending appends; one send at a time per tab, one tab at a time per site.
    return (inFlight = chain
      .then(() => withSendLock(o.lockName, () => drain(keepalive)))
      .then((held) => void (held || schedule(flushIntervalMs)))
      .catch((error: unknown) => log.count('log:failed', error))
      .finally(() => (inFlight = undefined)));
  }

  // The page's decisions so far, recorded as soon as the log runs rather than at the page's first event.
  queueMicrotask(() => append([]));

  return {
    observe: (events = []) => append(events),
    decided: (decision) => append([], decision),
    flush,
    stop() {
      stopped = true;
      unschedule();
    },
  };
}
