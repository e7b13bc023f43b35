/**
 * Debug output and counters. Silent unless debug mode is on, so hostile input
 * is counted without filling a production console.
 */

/** Counts of dropped or rejected input by reason, for debug output and tests. */
export type Counters = Record<string, number>;

/** A logger bound to one client. */
export interface DebugLog {
  /** Whether messages are printed. */
  enabled: boolean;
  /** Counts by reason (`event:bad-name`, `storage:fallback`, …). */
  readonly counters: Counters;
  /** Prints a message in debug mode. */
  info(message: string, detail?: unknown): void;
  /** Counts a reason and prints it in debug mode. */
  count(reason: string, detail?: unknown): void;
}

/** Creates a {@link DebugLog}. */
export function createDebugLog(enabled: boolean): DebugLog {
  const counters: Counters = {};
  const log: DebugLog = {
    enabled,
    counters,
    info(message, detail) {
      if (log.enabled) console.info('[onetoone] ' + message, ...(detail === undefined ? [] : [detail]));
    },
    count(reason, detail) {
      counters[reason] = (counters[reason] ?? 0) + 1;
      log.info(reason, detail);
    },
  };
  return log;
}
