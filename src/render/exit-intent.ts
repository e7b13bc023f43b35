/**
 * Exit intent: the strategies of one device class (pointer for a mouse; fast
 * scroll up for touch; tab return and idle for both), silenced during the
 * first seconds of a page view.
 */
import { watchIdle } from './exit-idle.js';
import { watchPointerExit } from './exit-pointer.js';
import { watchTabReturn } from './exit-return.js';
import { watchScrollExit } from './exit-scroll.js';

/**
 * Calls `fire(strategy)` on every exit intent after `minMs` on the page (ms);
 * `idleMs`: idle time that counts as exit intent, ms (0 turns idle detection off).
 */
export function watchExitIntent(minMs: number, idleMs: number, fire: (strategy: string) => void): void {
  const gate = (strategy: string) => () => performance.now() >= minMs && fire(strategy);
  if (matchMedia('(pointer: coarse)').matches) watchScrollExit(gate('scroll'));
  else watchPointerExit(gate('pointer'));
  watchTabReturn(gate('return'));
  if (idleMs) watchIdle(idleMs, gate('idle'));
}
