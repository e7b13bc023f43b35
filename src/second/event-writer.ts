/**
 * The write path, which runs after the first decision: validated events wait
 * in memory and every event recorded in the same task goes into one storage
 * transaction. It also owns the page's write chain, the one order in which
 * commits, consent changes, restores and `forget()` touch storage.
 *
 * The page's events go first. IndexedDB runs read-write transactions on one
 * store in the order they were created, so a write created while an event
 * waits to be committed delays that event, and a page left meanwhile can take
 * the event away. Writes of lower rank (the decision log's) therefore take
 * their turn through {@link EventWriter.background}: only while no event
 * waits or is being committed, checked again when the turn comes.
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
  /**
   * Runs `task` (one storage operation that must not delay the page's events)
   * in the write chain once no event waits or is being committed; an event
   * accepted before its turn is written first. Resolves with its result.
   */
  background<T>(task: () => Promise<T>): Promise<T>;
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
  /** Commits in the chain, not finished yet. */
  let commits = 0;
  /** Background tasks waiting for the events to be written, oldest first; `queued` while one is in the chain. */
  const later: Array<() => Promise<void>> = [];
  let queued = false;
  /** An event waits (accepted, or held until start) or is being committed. */
  const busy = (): boolean => pending.length > 0 || commits > 0;

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
    commits--;
    next();
  };

  /** Puts the oldest background task in the chain when no event waits; one at a time. */
  const next = (): void => {
    if (queued || busy() || !later.length) return;
    queued = true;
    const run = later.shift() as () => Promise<void>;
    writing = writing
      // An event came while this turn waited in the chain (behind a restore, a consent change): it goes first.
      .then(() => (busy() ? void later.unshift(run) : run()))
      .then(() => {
        queued = false;
        next();
      });
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
      commits++;
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
    background: <T>(task: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        // Settles the caller's promise and never rejects itself, so the chain goes on.
        later.push(() => Promise.resolve().then(task).then(resolve, reject));
        next();
      }),
  };
}
