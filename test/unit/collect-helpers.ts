/**
 * Shared by the collector unit tests: collector surroundings that record what they
 * emits, listens the way the real one does (capture, guarded) and removes its
 * listeners on `dispose`, so tests in one happy-dom document stay independent.
 */
import type { Emit, Listen, OnRoute, RawEvent } from '../../src/collect/types.js';

/** A recording collector. */
export interface Recorder {
  /** Records an event in {@link events}. */
  emit: Emit;
  /** Listens as the real collectors do (capture, passive, guarded). */
  on: Listen;
  /** Registers a route callback, fired by {@link route}. */
  onRoute: OnRoute;
  /** Everything emitted, in order. */
  events: RawEvent[];
  /** Errors the guarded listeners caught. */
  errors: unknown[];
  /** Fires the registered route callbacks, as a settled SPA route change does. */
  route(): void;
  /** Removes every listener added through `on`. */
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
    emit: (event) => void events.push(event),
    on: (target, type, handler) =>
      target.addEventListener(type, (event) => {
        try {
          handler(event);
        } catch (error) {
          errors.push(error);
        }
      }, { capture: true, passive: true, signal: abort.signal }),
    onRoute: (callback) => void routes.push(callback),
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
