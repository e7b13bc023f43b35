import { describe, expect, it, vi } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { watchTabReturn } from '../../src/render/exit-return.js';
import { offerAllowed } from '../../src/render/offer-caps.js';

const DAY = 86_400_000;
const ev = (name: string, ts: number): TrackedEvent => ({ name, ts, props: {} });

describe('offer caps', () => {
  const now = 100 * DAY;
  const session = now - 60_000;
  it.each([
    ['nothing shown yet', [], true],
    ['shown in this session', [ev('offer_shown', session + 1)], false],
    ['shown in an earlier session within the cool-down', [ev('offer_shown', now - 3 * DAY)], false],
    ['shown before the cool-down', [ev('offer_shown', now - 8 * DAY)], true],
    ['converted in this session', [ev('purchase', session + 5)], false],
    ['converted long ago', [ev('purchase', now - 30 * DAY)], true],
  ] as const)('%s', (_, events, allowed) => {
    expect(offerAllowed(events, session, now, 1, 7)).toBe(allowed);
  });
  it('allows up to perSession offers in one session, none when 0', () => {
    expect(offerAllowed([ev('offer_shown', session + 1)], session, now, 2, 7)).toBe(true);
    expect(offerAllowed([], session, now, 0, 7)).toBe(false);
  });
});

describe('tab return', () => {
  it('fires when the page is shown again after being hidden long enough, not after a short glance', () => {
    const fire = vi.fn();
    watchTabReturn(fire);
    let state = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state as DocumentVisibilityState);
    const flip = (to: string, at: number): void => {
      state = to;
      const event = new Event('visibilitychange');
      Object.defineProperty(event, 'timeStamp', { value: at });
      document.dispatchEvent(event);
    };
    flip('hidden', 1000);
    flip('visible', 1500);
    expect(fire).not.toHaveBeenCalled();
    flip('hidden', 5000);
    flip('visible', 8000);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});
