/**
 * SPA routes and page views: history pushState/replaceState, popstate and
 * route-like hash changes settle into one route each; plain anchors are not
 * routes; the previous URL becomes the new page view's referrer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageLoadEvents } from '../../src/collect/page-view.js';
import { ROUTE_SETTLE_MS, watchRoutes } from '../../src/collect/routes.js';

const START = 'http://localhost:3000/shop?cat=1';
const { pushState, replaceState } = History.prototype;

describe('route changes', () => {
  let routes: string[];
  let stop: AbortController;
  beforeEach(() => {
    vi.useFakeTimers();
    history.replaceState(null, '', START);
    routes = [];
    stop = new AbortController();
    const listen = (target: EventTarget, type: string, handler: (event: Event) => void) => target.addEventListener(type, handler, { signal: stop.signal });
    watchRoutes(window, listen, (previous) => routes.push(`${previous} → ${location.href}`));
  });
  afterEach(() => {
    stop.abort();
    // watchRoutes wraps the instance's methods; restore the prototype's for the next test.
    history.pushState = pushState;
    history.replaceState = replaceState;
    vi.useRealTimers();
  });
  const settle = () => vi.advanceTimersByTime(ROUTE_SETTLE_MS);
  // happy-dom queues hashchange on a timer the fake clock does not control; fire it now, as the browser will.
  const hash = (value: string) => () => {
    location.hash = value;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };

  // Each step changes the URL (as data); `expected` lists the routes seen, as "previous → new".
  const cases: Array<[string, Array<() => void>, string[]]> = [
    ['pushState', [() => history.pushState({}, '', '/shop/tents')], [`${START} → http://localhost:3000/shop/tents`]],
    ['replaceState to a new path', [() => history.replaceState({}, '', '/cart')], [`${START} → http://localhost:3000/cart`]],
    ['a query change', [() => history.pushState({}, '', '/shop?cat=2')], [`${START} → http://localhost:3000/shop?cat=2`]],
    ['state only, same URL', [() => history.pushState({ step: 2 }, '')], []],
    ['a plain anchor', [hash('#reviews')], []],
    ['a route hash', [hash('#/cart')], [`${START} → ${START}#/cart`]],
    ['a hashbang route', [hash('#!/account')], [`${START} → ${START}#!/account`]],
    ['two routes, each settled', [() => history.pushState({}, '', '/a'), settle, () => history.pushState({}, '', '/b')], [`${START} → http://localhost:3000/a`, 'http://localhost:3000/a → http://localhost:3000/b']],
    ['a push-then-replace burst settles into one route', [() => history.pushState({}, '', '/a'), () => history.replaceState({}, '', '/a?tab=1')], [`${START} → http://localhost:3000/a?tab=1`]],
    ['a burst back to the start is no route', [() => history.pushState({}, '', '/a'), () => history.replaceState({}, '', START)], []],
  ];
  it.each(cases)('%s', (_label, steps, expected) => {
    for (const step of steps) step();
    expect(routes.length).toBeLessThanOrEqual(Math.max(0, expected.length - 1)); // nothing before settling
    settle();
    expect(routes).toEqual(expected);
  });

  it('waits for the route to settle', () => {
    history.pushState({}, '', '/a');
    vi.advanceTimersByTime(ROUTE_SETTLE_MS - 1);
    expect(routes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(routes).toHaveLength(1);
  });

  it('hears popstate (back and forward)', async () => {
    vi.useRealTimers();
    history.pushState({}, '', '/a');
    await new Promise((r) => setTimeout(r, ROUTE_SETTLE_MS + 20));
    history.back();
    await new Promise((r) => setTimeout(r, ROUTE_SETTLE_MS + 50));
    expect(routes).toEqual([`${START} → http://localhost:3000/a`, `http://localhost:3000/a → ${START}`]);
  });

  it('calls the original history methods with their arguments and this', () => {
    const state = { n: 1 };
    expect(history.pushState(state, '', '/x')).toBeUndefined();
    expect(history.state).toEqual(state);
    expect(location.pathname).toBe('/x');
  });
});

describe('page view events', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    document.documentElement.removeAttribute('data-o2o-page');
    document.body.removeAttribute('data-o2o-page');
  });

  it('carries path (no query), title, page type and the referrer it is given', () => {
    history.replaceState(null, '', '/shop/tents?sort=price');
    document.title = 'Tents';
    document.body.setAttribute('data-o2o-page', 'category');
    expect(pageLoadEvents(document, location, 'http://localhost:3000/')).toEqual([
      { name: 'page_view', props: { path: '/shop/tents', title: 'Tents', pageType: 'category', referrer: 'http://localhost:3000/' } },
    ]);
  });

  it('prefers the root element page type and omits an empty referrer', () => {
    document.documentElement.setAttribute('data-o2o-page', 'product');
    document.body.setAttribute('data-o2o-page', 'category');
    const [view] = pageLoadEvents(document, location, '');
    expect(view?.props).toMatchObject({ pageType: 'product' });
    expect(view?.props).not.toHaveProperty('referrer');
  });

  it("adds a view_item for a product page's main item only", () => {
    document.body.innerHTML = '<main data-o2o-item="p1" data-o2o-main data-o2o-category="Tents" data-o2o-price="199.5" data-o2o-tags="a,b"></main><div data-o2o-item="other"></div>';
    expect(pageLoadEvents(document, location, '')[1]).toEqual({ name: 'view_item', items: [{ id: 'p1', category: 'Tents', price: 199.5, tags: ['a', 'b'] }] });
  });
});
