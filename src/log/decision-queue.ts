/**
 * The decision log's persisted queue: decision and outcome records waiting to
 * be sent, the last-touch state outcomes are attributed with, and the request
 * cut for sending (kept until the collector answers, so a retry carries the
 * same id and the collector dedupes it). All in one store key, so appending,
 * attributing and cutting are each one atomic read-modify-write shared by the
 * site's tabs. Pure functions over that state; the logger applies them with
 * `Store.update`.
 *
 * Bounds: at most {@link MAX_QUEUED_DECISIONS} decisions and
 * {@link MAX_QUEUED_OUTCOMES} outcomes wait (the oldest are dropped first and
 * counted as `log:dropped`); one request carries at most
 * {@link MAX_REQUEST_DECISIONS} decisions, {@link MAX_REQUEST_OUTCOMES}
 * outcomes and {@link MAX_REQUEST_BYTES} bytes.
 */
import type { DecisionRecord, OutcomeRecord } from '../core/decision-record.js';
import type { TrackedEvent } from '../core/events.js';
import { type LastTouch, type LoggedDecision, attribute } from '../core/outcomes.js';
import { byteLength } from '../sync/batch.js';

/** Store key of the decision log's state (not `log`: the store's event log keeps its next index there). */
export const LOG_KEY = 'decision-log';
/** Most decisions waiting to be sent. */
export const MAX_QUEUED_DECISIONS = 500;
/** Most outcomes waiting to be sent. */
export const MAX_QUEUED_OUTCOMES = 2000;
/** Most decisions in one request. */
export const MAX_REQUEST_DECISIONS = 100;
/** Most outcomes in one request. */
export const MAX_REQUEST_OUTCOMES = 400;
/** Largest request body, bytes. */
export const MAX_REQUEST_BYTES = 15_000;

/** A cut request: its id and records, resent unchanged until answered. */
export interface LogRequest {
  id: string;
  decisions: DecisionRecord[];
  outcomes: OutcomeRecord[];
}

/** The persisted state. */
export interface LogState {
  /** Decisions waiting, oldest first. */
  d: DecisionRecord[];
  /** Outcomes waiting, oldest first. */
  o: OutcomeRecord[];
  /** Per slot, the last seen or clicked decision. */
  last: LastTouch;
  /** The request being sent, if any. */
  out?: LogRequest;
}

/** A state read from storage, or an empty one (anything unreadable counts as empty: it was written by this code). */
function logState(stored: LogState | undefined): LogState {
  return stored && Array.isArray(stored.d) && Array.isArray(stored.o) ? stored : { d: [], o: [], last: {} };
}

/** Drops the oldest beyond `max`; returns how many were dropped. */
const bound = <T>(list: T[], max: number): number => list.splice(0, Math.max(0, list.length - max)).length;

/**
 * Appends decisions and the outcomes `events` add (attributed against this
 * page's logged decisions and the persisted last touch).
 * @returns the new state and how many records the bounds dropped.
 */
export function appendToLog(
  stored: LogState | undefined, decisions: readonly DecisionRecord[], events: readonly TrackedEvent[], page: readonly LoggedDecision[],
): [state: LogState, dropped: number] {
  const s = logState(stored);
  const state: LogState = { ...s, d: [...s.d, ...decisions], o: [...s.o] };
  for (const event of events) {
    const step = attribute(event, page, state.last);
    state.last = step.last;
    state.o.push(...step.outcomes);
  }
  return [state, bound(state.d, MAX_QUEUED_DECISIONS) + bound(state.o, MAX_QUEUED_OUTCOMES)];
}

/**
 * Cuts the next request from the oldest records when none is waiting: as many
 * decisions, then outcomes, as the count and byte bounds allow (`budget`: the
 * body's byte limit, lower for a keepalive request; `envelope`: bytes of
 * the rest of the body). A record too large for any request is dropped (counted by the caller).
 * @returns the new state and how many records were too large.
 */
export function cutRequest(
  stored: LogState | undefined, id: string, budget = MAX_REQUEST_BYTES, envelope = 400,
): [state: LogState, oversize: number] {
  const s = logState(stored);
  if (s.out || (!s.d.length && !s.o.length)) return [s, 0];
  let size = envelope;
  let oversize = 0;
  /** Moves records from `list` to the request while they fit; `ready` says which may go now (the others stay, in order). */
  const take = <T>(list: T[], max: number, ready: (record: T) => boolean = () => true): T[] => {
    const out: T[] = [];
    const kept: T[] = [];
    for (let record, b; list.length && out.length < max; ) {
      record = list.shift() as T;
      if (!ready(record)) kept.push(record);
      // The record's JSON text and its comma.
      else if (size + (b = byteLength(JSON.stringify(record)) + 1) <= budget) (size += b), out.push(record);
      // Alone in a request it would still not fit: it never will.
      else if (b + envelope > MAX_REQUEST_BYTES) oversize++;
      else {
        list.unshift(record);
        break;
      }
    }
    list.unshift(...kept);
    return out;
  };
  const d = [...s.d];
  const o = [...s.o];
  const decisions = take(d, MAX_REQUEST_DECISIONS);
  // The collector refuses an outcome whose decision it does not have yet: one whose decision still waits, waits with it.
  const waiting = new Set(d.map((x) => x.id));
  const outcomes = take(o, MAX_REQUEST_OUTCOMES, (x) => !waiting.has(x.d));
  const state: LogState = { ...s, d, o };
  if (decisions.length || outcomes.length) state.out = { id, decisions, outcomes };
  return [state, oversize];
}

/** The state once the request `id` was answered (delivered or refused for good). */
export function settleRequest(stored: LogState | undefined, id: string): LogState {
  const s = logState(stored);
  if (s.out?.id !== id) return s;
  const { out: _sent, ...rest } = s;
  return rest;
}
