/**
 * The pre-stage buffer: calls and collected events that arrive before the
 * second stage wait here, in memory, in order. The ones that change the
 * visitor's state are written (only with consent): to IndexedDB
 * (`['pending', …]`) once the first decisions are shown (or the stage failed
 * to load), one write per task; and when the page is hidden or left, to
 * localStorage, synchronously (`store/pending-local.ts` says why not
 * IndexedDB then). The next second stage to start drains both, validating
 * them like any input. So nothing is lost when the visitor leaves in the
 * first moments of a page, and nothing is written before the first decisions.
 */
import type { ConsentState } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Connection } from '../store/connection.js';
import { appendLocalPending } from '../store/pending-local.js';
import { PENDING_KEY, STORED_CALLS } from '../store/setup.js';
import type { BufferedCall, PendingCall } from './handoff.js';


/** What the buffer needs from the first file. */
export interface BufferHost {
  /** Consent now: nothing is written unless `granted`. */
  consent(): ConsentState;
  /** The connection to write through (opened on demand). */
  connection(): Connection;
  /** The database's name (names the localStorage copy too). */
  database: string;
  log: DebugLog;
}

/** See the module comment. */
export interface PreStageBuffer {
  /** Adds a call; resolves with the second stage's answer, `true` once written to storage, or `false` when dropped. */
  push(call: PendingCall): Promise<unknown>;
  /** Hands every call still in memory to the second stage; the buffer is closed after. */
  take(): BufferedCall[];
  /** Writes the stored kinds of call now (consent permitting): to IndexedDB, or with `leaving` synchronously to localStorage; resolves when done or failed. */
  persist(leaving?: boolean): Promise<void>;
  /** From now on (the first decisions are shown, or the stage cannot load), calls are written as they come, one write per task. */
  writeThrough(): void;
  /** Opens the connection ahead of a write (consent was just granted). */
  connect(): Promise<void>;
}

/**
 * Writes `entries` as one new chunk in one transaction. One blind put, issued in the task that calls this
 * (the connection is open): a page being left runs no further task, so a read before the write would never write.
 */
function append(connection: Connection, entries: unknown[]): Promise<void> {
  return connection.run('readwrite', (store) => {
    store.put(entries, [PENDING_KEY, Date.now(), Math.random()]);
    // Committed now rather than when the page's tasks run out: there may be none left.
    store.transaction.commit?.();
    return new Promise<void>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve();
      store.transaction.onabort = () => reject(store.transaction.error);
    });
  });
}

/** Creates the buffer and writes it when the page is hidden or left. */
export function preStageBuffer(host: BufferHost): PreStageBuffer {
  let calls: BufferedCall[] = [];
  let taken = false;
  let through = false;
  let scheduled = false;
  /** Calls JSON cannot hold (hostile getters, cycles): kept for the stage only. */
  const unstorable = new WeakSet<BufferedCall>();

  const persist = async (leaving?: boolean): Promise<void> => {
    if (taken || host.consent() !== 'granted') return;
    const writing: BufferedCall[] = [];
    const entries: unknown[] = [];
    for (const buffered of calls) {
      if (!STORED_CALLS.includes(buffered.call[1]) || unstorable.has(buffered)) continue;
      try {
        // What storage can hold and the stage can validate: functions and big integers are left out.
        entries.push(JSON.parse(JSON.stringify(buffered.call, (_, value: unknown) => (typeof value === 'bigint' ? undefined : value))));
        writing.push(buffered);
      } catch {
        // A throwing getter or proxy trap, or a cycle: it stays in memory for the stage, whose validation says what it is.
        unstorable.add(buffered);
      }
    }
    if (!writing.length) return;
    calls = calls.filter((b) => !writing.includes(b));
    try {
      if (leaving) appendLocalPending(host.database, entries);
      else await append(host.connection(), entries);
      writing.forEach((b) => b.done(true));
    } catch (error) {
      host.log.count('pending:not-saved', error);
      // Kept for the stage, or for the next attempt.
      if (taken) writing.forEach((b) => b.done(false));
      else calls = writing.concat(calls);
    }
  };

  addEventListener('pagehide', () => void persist(true));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void persist(true));

  return {
    push: (call) =>
      new Promise((done) => {
        // `forget` erases what came before it.
        if (call[1] === 'forget') calls = calls.filter((b) => !STORED_CALLS.includes(b.call[1]) || void b.done(false));
        calls.push({ call, done });
        if (!through || scheduled) return;
        // Every call of this task in one write.
        scheduled = true;
        queueMicrotask(() => {
          scheduled = false;
          void persist(false);
        });
      }),
    take: () => {
      taken = true;
      const all = calls;
      calls = [];
      return all;
    },
    persist,
    writeThrough: () => {
      through = true;
      void persist(false);
    },
    connect: () => host.connection().ready().catch((error: unknown) => host.log.count('pending:not-opened', error)),
  };
}
