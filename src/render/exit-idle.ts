/**
 * Idle exit intent: no pointer, key, touch or scroll input for a while.
 */

/** Calls `fire` once nothing happened for `ms`. */
export function watchIdle(ms: number, fire: () => void): void {
  let timer: ReturnType<typeof setTimeout>;
  const restart = (): void => {
    clearTimeout(timer);
    timer = setTimeout(fire, ms);
  };
  for (const type of ['pointermove', 'pointerdown', 'keydown', 'scroll']) addEventListener(type, restart, { passive: true, capture: true });
  restart();
}
