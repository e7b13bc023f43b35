/**
 * Engaged time as the page reports it: one `user_engagement { ms }` when the
 * tab is hidden, the page is left or the SPA route changes, counting visible
 * and active time only; less than a second is no event and is not carried
 * over to the next report. The clock is Date.now(), set by the test.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_MS, watchEngagement } from '../../src/collect/engagement.js';
import { type Recorder, recorder } from './collect-helpers.js';

describe('engagement reports', () => {
  let r: Recorder;
  let hidden = false;
  const at = (ms: number) => vi.setSystemTime(ms);
  const visibility = (isHidden: boolean) => {
    hidden = isHidden;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const reported = () => r.events.map((e) => [e.name, e.props?.ms]);
  beforeEach(() => {
    vi.useFakeTimers();
    at(0);
    hidden = false;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    r = recorder();
    watchEngagement(r.emit, r.on, r.onRoute, document);
  });
  afterEach(() => {
    r.dispose();
    vi.useRealTimers();
  });

  it('reports visible, active time when the tab is hidden, and the time since then at the next report', () => {
    at(4000);
    document.dispatchEvent(new Event('pointerdown'));
    at(5000);
    visibility(true);
    expect(reported()).toEqual([['user_engagement', 5000]]);
    at(60_000);
    visibility(false); // hidden all along: nothing counted
    at(62_500);
    window.dispatchEvent(new Event('pagehide'));
    expect(reported()).toEqual([['user_engagement', 5000], ['user_engagement', 2500]]);
  });

  it('stops counting after the idle limit without activity', () => {
    at(IDLE_MS * 3);
    r.route();
    expect(reported()).toEqual([['user_engagement', IDLE_MS]]);
  });

  it('drops less than a second instead of carrying it over', () => {
    at(900);
    r.route();
    at(1800);
    r.route();
    at(3000);
    r.route();
    expect(reported()).toEqual([['user_engagement', 1200]]);
  });
});
