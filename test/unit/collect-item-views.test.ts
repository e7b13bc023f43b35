/**
 * Item-view gating: a view needs at least half the element visible for a
 * full second while the tab is visible, once per element; items added later
 * are picked up. IntersectionObserver is replaced by a controllable one (the
 * real one runs in the Chromium suite).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawItem } from '../../src/collect/item.js';
import { ITEM_VIEW_DWELL_MS, ITEM_VIEW_THRESHOLD, observeItemViews } from '../../src/collect/item-views.js';

let observers: FakeObserver[] = [];
class FakeObserver {
  observed = new Set<Element>();
  constructor(private readonly callback: (entries: Array<Partial<IntersectionObserverEntry>>) => void, readonly options: IntersectionObserverInit) {
    observers.push(this);
  }
  observe(el: Element) { this.observed.add(el); }
  unobserve(el: Element) { this.observed.delete(el); }
  disconnect() { this.observed.clear(); }
  /** Reports a visible fraction for an element, as the browser would after layout. */
  report(target: Element, ratio: number) {
    if (this.observed.has(target)) this.callback([{ target, intersectionRatio: ratio, isIntersecting: ratio > 0 }]);
  }
}

let hidden = false;
const setHidden = (value: boolean) => {
  hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
};

describe('item views', () => {
  let views: RawItem[];
  let stop: () => void;
  const el = (id: string) => document.getElementById(id) as Element;
  const io = () => observers[0] as FakeObserver;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    hidden = false;
    observers = [];
    document.body.innerHTML = '<div id="a" data-o2o-item="a" data-o2o-category="Tents"></div><div id="b" data-o2o-item="b"></div><div id="main" data-o2o-item="m" data-o2o-main></div>';
    views = [];
    stop = observeItemViews(document, (item) => views.push(item));
  });
  afterEach(() => {
    stop();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('observes item elements at the view threshold, not the page main item', () => {
    expect(io().options.threshold).toContain(ITEM_VIEW_THRESHOLD);
    expect([...io().observed].map((e) => e.id)).toEqual(['a', 'b']);
  });

  // Steps as data: [ms to advance, element id, visible ratio] or ['hide'|'show'] for the tab.
  type Step = [number, string?, number?] | ['hide' | 'show'];
  const cases: Array<[string, Step[], string[]]> = [
    ['half visible for a second', [[0, 'a', 0.5], [ITEM_VIEW_DWELL_MS]], ['a']],
    ['not yet after 999 ms', [[0, 'a', 0.6], [ITEM_VIEW_DWELL_MS - 1]], []],
    ['less than half visible never counts', [[0, 'a', 0.49], [5000]], []],
    ['leaving before the second resets the dwell', [[0, 'a', 1], [900, 'a', 0], [0, 'a', 1], [900]], []],
    ['…and a later full second counts', [[0, 'a', 1], [900, 'a', 0.2], [0, 'a', 1], [ITEM_VIEW_DWELL_MS]], ['a']],
    ['once per element', [[0, 'a', 1], [ITEM_VIEW_DWELL_MS, 'a', 0], [0, 'a', 1], [ITEM_VIEW_DWELL_MS]], ['a']],
    ['two items on their own clocks', [[0, 'a', 1], [500, 'b', 1], [ITEM_VIEW_DWELL_MS - 500], [500]], ['a', 'b']],
    ['a hidden tab stops the dwell', [[0, 'a', 1], [500], ['hide'], [5000]], []],
    ['showing the tab restarts a full second', [[0, 'a', 1], [500], ['hide'], [5000], ['show'], [ITEM_VIEW_DWELL_MS - 1]], []],
    ['…which then counts', [[0, 'a', 1], [500], ['hide'], ['show'], [ITEM_VIEW_DWELL_MS]], ['a']],
    ['visible while the tab is hidden starts nothing', [['hide'], [0, 'a', 1], [5000]], []],
  ];
  it.each(cases)('%s', (_label, steps, expected) => {
    for (const step of steps) {
      if (step[0] === 'hide' || step[0] === 'show') setHidden(step[0] === 'hide');
      else {
        vi.advanceTimersByTime(step[0]);
        if (step[1]) io().report(el(step[1]), step[2] as number);
      }
    }
    expect(views.map((v) => v.id)).toEqual(expected);
  });

  it('reads the item when the view counts', () => {
    io().report(el('a'), 1);
    vi.advanceTimersByTime(ITEM_VIEW_DWELL_MS);
    expect(views).toEqual([{ id: 'a', category: 'Tents' }]);
  });

  it('picks up items added later (lists, SPA routes)', async () => {
    document.body.insertAdjacentHTML('beforeend', '<div id="late" data-o2o-item="late"></div>');
    await vi.advanceTimersByTimeAsync(300);
    expect(io().observed.has(el('late'))).toBe(true);
    io().report(el('late'), 1);
    vi.advanceTimersByTime(ITEM_VIEW_DWELL_MS);
    expect(views.map((v) => v.id)).toEqual(['late']);
  });

  it('stops cleanly', () => {
    io().report(el('a'), 1);
    stop();
    vi.advanceTimersByTime(ITEM_VIEW_DWELL_MS);
    expect(views).toEqual([]);
  });
});

describe('item views without IntersectionObserver', () => {
  it('do nothing and do not throw', () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    expect(() => observeItemViews(document, () => undefined)()).not.toThrow();
    vi.unstubAllGlobals();
  });
});
