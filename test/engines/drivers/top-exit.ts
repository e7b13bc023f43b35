/**
 * The synthetic half of an exit through the top edge, for drivers that cannot
 * move the pointer outside the viewport (WebDriver classic and BiDi).
 */

/**
 * Page function: the `mouseout` a browser fires when the pointer leaves the
 * window through the top edge (no related target, clientY ≤ 0), for drivers
 * that cannot move the pointer there.
 */
export function dispatchTopMouseout(): void {
  const target = document.elementFromPoint(400, 1) ?? document.documentElement;
  target.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 400, clientY: -1, relatedTarget: null }));
}
