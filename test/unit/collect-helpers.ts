/**
 * Shared by the collector unit tests: a {@link Collector} that records what it
 * emits, listens the way the real one does (capture, guarded) and removes its
 * listeners on `dispose`, so tests in one happy-dom document stay independent.
 */
import type { Collector, RawEvent } from '../../src/collect/types.js';

/** A recording collector. */
export interface Recorder {
  c: Collector;
  /** Everything emitted, in order. */
  events: RawEvent[];
  /** Errors the guarded listeners caught. */
  errors: unknown[];
  /** Fires the registered route callbacks, as a settled SPA route change does. */
  route(): void;
  /** Removes every listener added through `c.on`. */
  dispose(): void;
}

/** Creates a {@link Recorder}. */
export function recorder(): Recorder {
  const events: RawEvent[] = [];
  const errors: unknown[] = [];
  const routes: Array<() => void> = [];
  const abort = new AbortController();
  return {
    events,
    errors,
    c: {
      emit: (event) => events.push(event),
      on: (target, type, handler) =>
        target.addEventListener(type, (event) => {
          try {
            handler(event);
          } catch (error) {
            errors.push(error);
          }
        }, { capture: true, passive: true, signal: abort.signal }),
      onRoute: (callback) => routes.push(callback),
    },
    route: () => routes.forEach((r) => r()),
    dispose: () => abort.abort(),
  };
}

/** Every string anywhere inside a value (keys included), for "this never leaks" assertions. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [key, ...allStrings(v)]);
}
