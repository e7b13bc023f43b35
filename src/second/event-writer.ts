/**
 * The write path, which runs after the first decision: validated events wait
 * in memory and every event recorded in the same task goes into one storage
 * transaction. It also owns the page's write chain, the one order in which
 * commits, consent changes, restores and `forget()` touch storage.
 */
import type { Profile } from '../core/profile.js';
import type { TrackedEvent, ValidationResult } from '../core/events.js';
import type { DebugLog } from '../debug/log.js';
import type { Reducer } from '../store/state.js';
import type { Store } from '../store/store.js';

/** What the writer needs from its client. */
export interface WriterHost {
  /** The store in use now (it changes with consent). */
  store(): Store;
  /** Folds events into the profile. */
  reduce: Reducer;
  /** Counts failures and rejected events. */
  log: DebugLog;
  /** A commit is durable: the new profile and the events it holds (for sync). */
  committed(profile: Profile, events: TrackedEvent[]): void;
}

/** Batches validated events into storage, in the page's one write order. */
export interface EventWriter {
  /** Storage is open: events accepted before now are written, and later ones as they come. */
  start(): void;
  /** The timezone offset for an event of the pending batch: one `Date` per batch, not one per `track()`. */
  timezone(): number;
  /** Queues a validated event for the next write, or counts why it was rejected; resolves once it is durable. */
  accept(result: ValidationResult, raw: unknown, name?: string): Promise<boolean>;
  /** Runs `task` in its turn of the write chain; a failed task does not stop the ones after it. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves when every write queued so far is done (failed ones included). */
  settled(): Promise<void>;
}

/**
 * A writer for `host`. Its state lives in closures, not fields: the
 * script-tag core is minified without renaming properties, and locals shrink.
 */
export function eventWriter(host: WriterHost): EventWriter {
  let pending: TrackedEvent[] = [];
  /** The pending batch's outcome: every event of one commit shares one promise, so a burst allocates one, not one per call. */
  let batch: Promise<boolean> | undefined;
  let settle: (stored: boolean) => void = () => undefined;
  let tz = 0;
  let scheduled = false;
  let open = false;
  let writing: Promise<void> = Promise.resolve();

  const commit = async (events: TrackedEvent[], done: (stored: boolean) => void): Promise<void> => {
    try {
      const result = await host.store().commit(events, host.reduce);
      if (result.dropped) host.log.count('queue:dropped', result.dropped);
      host.committed(result.profile, events);
      done(true);
    } catch (error) {
      host.log.count('storage:commit-failed', error);
      done(false);
    }
  };

  // Batches every event recorded in the same task into one storage transaction.
  const schedule = (): void => {
    if (!open || scheduled || !pending.length) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      const events = pending;
      const done = settle;
      pending = [];
      batch = undefined;
      writing = writing.then(() => commit(events, done));
    });
  };

  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const turn = writing.then(task);
    writing = turn.then(() => undefined, () => undefined);
    return turn;
  };

  return {
    start: () => {
      open = true;
      schedule();
    },
    timezone: () => (batch ? tz : (tz = -new Date().getTimezoneOffset())),
    accept: (result, raw, name) => {
      if (!result.ok) {
        host.log.count(`event:${result.reason}`, name === undefined ? raw : { name, properties: raw });
        return Promise.resolve(false);
      }
      pending.push(result.event);
      batch ??= new Promise<boolean>((resolve) => (settle = resolve));
      schedule();
      return batch;
    },
    exclusive,
    settled: () => writing,
  };
}
