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
 * It runs only while sync runs, so only with consent; `forget()` clears the
 * store it lives in.
 */
import type { Decision } from '../core/decide.js';
import { buildDecisionRecord, loggable, wireValid } from '../core/decision-log.js';
import type { DecisionRecord } from '../core/decision-record.js';
import type { TrackedEvent } from '../core/events.js';
import type { LoggedDecision } from '../core/outcomes.js';
import type { DebugLog } from '../debug/log.js';
import { randomId } from '../store/store.js';
import type { Store } from '../store/store.js';
import { retryDelay } from '../sync/backoff.js';
import { withSendLock } from '../sync/lock.js';
import type { Proof } from '../sync/register.js';
import { KEEPALIVE_BUDGET } from '../sync/sender.js';
import { LOG_KEY, type LogState, MAX_REQUEST_BYTES, appendToLog, cutRequest, logState, settleRequest } from './decision-queue.js';
import { decisionLogBody, postDecisionLog } from './decision-sender.js';

/**
 * Bytes a keepalive request of the log may carry: what the 64 KiB browsers
 * allow in flight leaves beside the delta batches' {@link KEEPALIVE_BUDGET}.
 */
export const LOG_KEEPALIVE_BYTES = 65_536 - KEEPALIVE_BUDGET - 500;

/** Longest new events wait in memory before they are written to the queue, ms (new decisions and a flush write at once). */
export const WRITE_DELAY_MS = 1000;

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

let active: DecisionLog | undefined;
/**
 * Decisions this page has logged, across the logs it starts: after `forget()`
 * (or consent withdrawn and granted again) a new log must not record the
 * page's earlier decisions again, under the new device, from the erased profile.
 */
const logged = new WeakSet<Decision>();

/** The decision log of this page while one runs (the exit-intent offer flow reports its decision here). */
export function activeDecisionLog(): DecisionLog | undefined {
  return active;
}

/** Starts the decision log; see {@link DecisionLog}. */
export function startDecisionLog(o: DecisionLogOptions): DecisionLog {
  const { store, log } = o;
  const page: LoggedDecision[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;

  /** Records for this page's decisions not logged yet. */
  function fresh(extra?: Decision): DecisionRecord[] {
    const out: DecisionRecord[] = [];
    const add = (decision: Decision): void => {
      if (logged.has(decision)) return;
      logged.add(decision);
      if (!loggable(decision)) return void log.count('log:not-policy', decision.slot);
      try {
        const record = buildDecisionRecord(decision, randomId(), Date.now());
        if (!wireValid(record)) return void log.count('log:invalid-record', decision.slot);
        // Impressions and clicks go to the slot's latest decision on this page (an offer shown twice is two decisions).
        const known = page.findIndex((p) => p.slot === record.slot);
        if (known >= 0) page.splice(known, 1);
        page.push({ id: record.id, slot: record.slot, variant: record.variant });
        out.push(record);
      } catch (error) {
        log.count('log:record-failed', error);
      }
    };
    for (const decision of o.decisions()) add(decision);
    if (extra) add(extra);
    return out;
  }

  /** Runs `task` after the ones before it (the state's writes stay in order within the tab). */
  const serial = <T>(task: () => Promise<T>): Promise<T | undefined> => {
    const run = chain.then(task).catch((error: unknown) => void log.count('log:failed', error));
    chain = run;
    return run;
  };

  // New records and events wait here and are written together: one IndexedDB transaction per
  // WRITE_DELAY_MS at most, so the log never queues writes ahead of the page's own commits
  // (Firefox lost a cart added just before leaving the page behind one write per commit).
  let pendingRecords: DecisionRecord[] = [];
  let pendingEvents: TrackedEvent[] = [];
  let writeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Writes what waits in memory to the queue (one transaction). */
  function write(): Promise<unknown> {
    clearTimeout(writeTimer);
    writeTimer = undefined;
    const records = pendingRecords;
    const events = pendingEvents;
    if (!records.length && !events.length) return chain;
    pendingRecords = [];
    pendingEvents = [];
    return serial(async () => {
      let dropped = 0;
      await store.update<LogState>(LOG_KEY, (s) => {
        const next = appendToLog(s, records, events, page);
        dropped = next.dropped;
        return next.state;
      });
      if (dropped) log.count('log:dropped', dropped);
      schedule(o.flushIntervalMs);
    });
  }

  function append(events: readonly TrackedEvent[], extra?: Decision): void {
    if (stopped) return;
    const records = fresh(extra);
    pendingRecords.push(...records);
    pendingEvents.push(...events);
    // Decisions found without events (the page's own when the log starts, an offer shown) are
    // written at once: a page left right after its slots were decided would otherwise take them
    // away (a navigation waits neither for the delayed write nor for the IndexedDB reads a
    // keepalive send needs). With events, the delay stands: Firefox lost a cart added just before
    // leaving the page behind a write queued with its commit.
    if (records.length && !events.length) void write();
    else if ((pendingRecords.length || pendingEvents.length) && writeTimer === undefined) writeTimer = setTimeout(() => void write(), WRITE_DELAY_MS);
  }

  function schedule(ms: number): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  }

  /** Sends the waiting request, cutting one first: `sent` (answered), `empty` (nothing waits) or `retry` (try later). */
  async function sendOne(keepalive: boolean, key: string | undefined): Promise<'sent' | 'empty' | 'retry'> {
    let oversize = 0;
    const state = await store.update<LogState>(LOG_KEY, (s) => {
      const next = cutRequest(s, randomId(), keepalive ? LOG_KEEPALIVE_BYTES : MAX_REQUEST_BYTES);
      oversize = next.oversize;
      return next.state;
    });
    if (oversize) log.count('log:oversize', oversize);
    const request = logState(state).out;
    if (!request) return 'empty';
    const body = decisionLogBody(request, await store.deviceId(), key, o.writeKey, Date.now());
    // A request cut earlier for a normal send is too large to go with the page: it waits for the next page.
    if (keepalive && new TextEncoder().encode(JSON.stringify(body)).length > LOG_KEEPALIVE_BYTES) return 'retry';
    const answer = await postDecisionLog(o.endpoint, body, keepalive);
    if (answer.verdict === 'retry') {
      log.count('log:retry', answer.status);
      if (!keepalive) {
        clearTimeout(timer);
        timer = undefined;
        schedule(retryDelay(++attempt, answer.retryAfterMs, Math.random()));
      }
      return 'retry';
    }
    if (answer.verdict === 'drop') log.count('log:dropped-request', answer.status);
    await store.update<LogState>(LOG_KEY, (s) => settleRequest(s, request.id));
    log.info(`log: ${request.id} ${answer.verdict} (${request.decisions.length} decisions, ${request.outcomes.length} outcomes)`);
    attempt = 0;
    return 'sent';
  }

  async function drain(keepalive: boolean): Promise<void> {
    const proof = await o.prove();
    if (proof === undefined) return;
    if (typeof proof !== 'string') return void schedule(retryDelay(++attempt, proof.retryAfterMs, Math.random()));
    // A keepalive send is one request: the page is going away.
    for (let i = 0; i < (keepalive ? 1 : 50) && !stopped; i++) if ((await sendOne(keepalive, proof)) !== 'sent') return;
  }

  let inFlight: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  function flush(keepalive = false): Promise<void> {
    if (stopped) return Promise.resolve();
    // What the page decided and did since the last look goes into this send.
    append([]);
    void write();
    clearTimeout(timer);
    timer = undefined;
    // A send is under way with older records: one more follows it, so a caller of flush() waits for everything written now.
    if (inFlight) return (again ??= inFlight.then(() => ((again = undefined), flush(keepalive))));
    // After this tab's pending appends; one send at a time per tab, one tab at a time per site.
    return (inFlight = chain
      .then(() => withSendLock(o.lockName, () => drain(keepalive)))
      .then((held) => void (held || schedule(o.flushIntervalMs)))
      .catch((error: unknown) => log.count('log:failed', error))
      .finally(() => (inFlight = undefined)));
  }

  // The page's decisions so far, recorded as soon as the log runs rather than at the page's first event.
  queueMicrotask(() => append([]));

  const self: DecisionLog = {
    observe: (events = []) => append(events),
    decided: (decision) => append([], decision),
    flush,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(writeTimer);
      if (active === self) active = undefined;
    },
  };
  return (active = self);
}
