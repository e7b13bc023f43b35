/**
 * The pre-stage buffer: calls and collected events that arrive before the
 * second stage wait here, in memory, in order. When the page is hidden or
 * left before the stage ran (or the stage failed to load), the ones that
 * change the visitor's state are written to IndexedDB under `pending` (only
 * with consent), where the next second stage to start drains them, validating
 * them like any input. So nothing is lost when the visitor leaves in the
 * first moments of a page.
 */
import type { ConsentState } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Connection } from '../store/connection.js';
import { PENDING_KEY, PENDING_LIMIT } from '../store/setup.js';
import type { BufferedCall, PendingCall } from './handoff.js';

/** Calls written to storage: the ones whose effect is stored state. The others (`setConsent` is remembered at once, `flush`, `debug`) only matter on this page. */
const STORED = ['track', 'identify', 'record', 'forget'];

/** What the buffer needs from the first file. */
export interface BufferHost {
  /** Consent now: nothing is written unless `granted`. */
  consent(): ConsentState;
  /** The connection to write through (opened on demand). */
  connection(): Connection;
  log: DebugLog;
}

/** See the module comment. */
export interface PreStageBuffer {
  /** Adds a call; resolves with the second stage's answer, `true` once written to storage, or `false` when dropped. */
  push(call: PendingCall): Promise<unknown>;
  /** Hands every call still in memory to the second stage; the buffer is closed after. */
  take(): BufferedCall[];
  /** Writes the stored kinds of call to IndexedDB now (consent permitting); resolves when done or failed. */
  persist(): Promise<void>;
  /** The second stage cannot load: every call is written as it comes. */
  orphan(): void;
}

/** Appends `entries` to the stored `pending` list in one transaction, keeping the newest {@link PENDING_LIMIT}. */
function append(connection: Connection, entries: unknown[], log: DebugLog): Promise<void> {
  return connection.run('readwrite', (store) => {
    const request = store.get(PENDING_KEY);
    request.onsuccess = () => {
      const list = (Array.isArray(request.result) ? request.result : []).concat(entries);
      if (list.length > PENDING_LIMIT) log.count('pending:dropped', list.length - PENDING_LIMIT);
      store.put(list.slice(-PENDING_LIMIT), PENDING_KEY);
    };
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
  let orphaned = false;

  const persist = async (): Promise<void> => {
    if (taken || host.consent() !== 'granted') return;
    const writing = calls.filter((b) => STORED.includes(b.call[1]));
    if (!writing.length) return;
    calls = calls.filter((b) => !writing.includes(b));
    const entries: unknown[] = [];
    for (const buffered of writing) {
      try {
        // What IndexedDB can clone and the stage can validate: functions, cycles and throwing getters stay behind.
        entries.push(JSON.parse(JSON.stringify(buffered.call)));
      } catch (error) {
        host.log.count('pending:unserializable', error);
        buffered.done(false);
      }
    }
    try {
      await append(host.connection(), entries, host.log);
      writing.forEach((b) => b.done(true));
    } catch (error) {
      host.log.count('pending:not-saved', error);
      // Kept for the stage, or for the next attempt.
      if (taken) writing.forEach((b) => b.done(false));
      else calls = writing.concat(calls);
    }
  };

  addEventListener('pagehide', () => void persist());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void persist());

  return {
    push: (call) =>
      new Promise((done) => {
        // `forget` erases what came before it.
        if (call[1] === 'forget') calls = calls.filter((b) => !STORED.includes(b.call[1]) || void b.done(false));
        calls.push({ call, done });
        if (orphaned) void persist();
      }),
    take: () => {
      taken = true;
      const all = calls;
      calls = [];
      return all;
    },
    persist,
    orphan: () => {
      orphaned = true;
      void persist();
    },
  };
}
