/**
 * Device and visit context: device class from User-Agent, Client Hints,
 * pointer and screen; OS and browser; UTM parameters and click ids; session
 * number and new vs returning. Windows are plain objects with what the code reads.
 */
import { describe, expect, it } from 'vitest';
import { CLICK_IDS, PHONE_MAX_SIDE, collectContext, decisionContext, describeVisit, deviceClass, referrerClass, sessionNumber } from '../../src/collect/context.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { DEFAULT_PROFILE_OPTIONS, applyAll, emptyProfile } from '../../src/core/profile.js';
import { viewProfile } from '../../src/core/view.js';
import { snapshotOf } from '../../src/core/snapshot.js';

const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const ANDROID_PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const ANDROID_TABLET_UA = 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const IPADOS_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';

interface FakeWindow {
  ua?: string;
  hints?: { mobile?: boolean; platform?: string; brands?: Array<{ brand: string }> };
  touchPoints?: number;
  /** Media queries that match. */
  media?: string[];
  screen?: [number, number];
  search?: string;
  referrer?: string;
}

function fakeWindow(f: FakeWindow): Window {
  const [width, height] = f.screen ?? [1280, 800];
  return {
    navigator: { userAgent: f.ua ?? DESKTOP_UA, userAgentData: f.hints, maxTouchPoints: f.touchPoints ?? 0, language: 'de-DE' },
    matchMedia: (query: string) => ({ matches: (f.media ?? []).includes(query) }),
    screen: { width, height },
    innerWidth: width,
    innerHeight: height,
    devicePixelRatio: 2,
    location: { search: f.search ?? '', hostname: 'shop.test' },
    document: { referrer: f.referrer ?? '' },
  } as unknown as Window;
}

const touch = ['(pointer:coarse)', '(hover:none)'];

describe('device class', () => {
  const cases: Array<[string, FakeWindow, 'mobile' | 'tablet' | 'desktop']> = [
    ['iPhone User-Agent', { ua: IPHONE_UA, touchPoints: 5, media: touch, screen: [390, 844] }, 'mobile'],
    ['Android phone User-Agent', { ua: ANDROID_PHONE_UA, touchPoints: 5, media: touch, screen: [412, 915] }, 'mobile'],
    ['Client Hints say mobile', { hints: { mobile: true } }, 'mobile'],
    ['Android tablet User-Agent', { ua: ANDROID_TABLET_UA, touchPoints: 10, media: touch, screen: [800, 1280] }, 'tablet'],
    ['iPadOS with a desktop User-Agent', { ua: IPADOS_UA, touchPoints: 5, media: touch, screen: [820, 1180] }, 'tablet'],
    // The bug: an emulated phone keeps the desktop User-Agent and Client Hints say mobile: false.
    ['touch phone with a desktop User-Agent', { hints: { mobile: false }, touchPoints: 1, media: touch, screen: [390, 844] }, 'mobile'],
    ['touch phone in landscape', { touchPoints: 1, media: touch, screen: [844, 390] }, 'mobile'],
    ['touch tablet with a desktop User-Agent', { hints: { mobile: false }, touchPoints: 1, media: touch, screen: [820, 1180] }, 'tablet'],
    ['touch points without hover (coarse not reported)', { touchPoints: 2, media: ['(hover:none)'], screen: [360, 740] }, 'mobile'],
    ['short side at the phone bound is a tablet', { touchPoints: 1, media: touch, screen: [PHONE_MAX_SIDE, 960] }, 'tablet'],
    ['desktop', { hints: { mobile: false }, screen: [1920, 1080] }, 'desktop'],
    ['small desktop window', { screen: [390, 700] }, 'desktop'],
    ['touchscreen laptop with a mouse (fine pointer, hover)', { touchPoints: 10, screen: [1366, 768] }, 'desktop'],
  ];
  it.each(cases)('%s', (_label, win, expected) => {
    expect(deviceClass(fakeWindow(win))).toBe(expected);
  });

  it('survives a window without matchMedia', () => {
    const win = fakeWindow({ touchPoints: 5 });
    (win as unknown as { matchMedia?: unknown }).matchMedia = undefined;
    expect(deviceClass(win)).toBe('desktop');
  });
});

describe('OS and browser', () => {
  const cases: Array<[string, FakeWindow, string | undefined, string | undefined]> = [
    ['iPhone', { ua: IPHONE_UA }, 'ios', 'safari'],
    ['Android Chrome', { ua: ANDROID_PHONE_UA }, 'android', 'chrome'],
    ['iPadOS desktop UA with touch', { ua: IPADOS_UA, touchPoints: 5 }, 'ios', 'safari'],
    ['Mac without touch', { ua: IPADOS_UA }, 'macos', 'safari'],
    ['Client Hints win over the UA', { ua: DESKTOP_UA, hints: { platform: 'Windows', brands: [{ brand: 'Not A;Brand' }, { brand: 'Microsoft Edge' }, { brand: 'Chromium' }] } }, 'windows', 'edge'],
    ['Edge UA', { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0' }, 'windows', 'edge'],
    ['Firefox', { ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0' }, 'linux', 'firefox'],
  ];
  it.each(cases)('%s', (_label, win, os, browser) => {
    expect(collectContext(fakeWindow(win), undefined)).toMatchObject({ os, browser });
  });
});

describe('campaign and referrer', () => {
  it('keeps UTM parameters (capped) and the names of click ids, never their values', () => {
    const context = collectContext(fakeWindow({ search: `?utm_source=news&utm_medium=email&utm_campaign=${'x'.repeat(300)}&gclid=SECRET-1&fbclid=SECRET-2&other=1` }), undefined);
    expect(context.utm).toEqual({ source: 'news', medium: 'email', campaign: 'x'.repeat(100) });
    expect(context.clickIds).toEqual(['gclid', 'fbclid']);
    expect(JSON.stringify(context)).not.toContain('SECRET');
    expect(context.referrer).toBe('paid');
  });

  it('has no utm field without UTM parameters', () => {
    expect(collectContext(fakeWindow({}), undefined).utm).toBeUndefined();
  });

  const p = (q: string) => new URLSearchParams(q);
  const referrers: Array<[string, string, string, string]> = [
    ['no referrer', '', '', 'direct'],
    ['unparsable referrer', 'not a url', '', 'direct'],
    ['same host', 'https://shop.test/cart', '', 'internal'],
    ['Google', 'https://www.google.com/search?q=x', '', 'search'],
    ['Bing', 'https://www.bing.com/', '', 'search'],
    ['DuckDuckGo', 'https://duckduckgo.com/', '', 'search'],
    ['Facebook', 'https://l.facebook.com/', '', 'social'],
    ['LinkedIn short link', 'https://lnkd.in/', '', 'social'],
    ['t.co', 'https://t.co/abc', '', 'social'],
    ['Outlook web mail', 'https://outlook.live.com/', '', 'email'],
    ['Gmail', 'https://mail.google.com/', '', 'email'],
    ['utm_medium=email', '', 'utm_medium=Email', 'email'],
    ['utm_medium=social', 'https://www.google.com/', 'utm_medium=social', 'social'],
    ['utm_medium=cpc', '', 'utm_medium=cpc', 'paid'],
    ['every click id is paid', 'https://www.google.com/', 'msclkid=1', 'paid'],
    ['a blog', 'https://blog.example/post', '', 'other'],
  ];
  it.each(referrers)('%s', (_label, referrer, query, expected) => {
    expect(referrerClass(referrer, 'shop.test', p(query))).toBe(expected);
  });

  it.each(CLICK_IDS)('recognises the click id %s', (id) => {
    expect(collectContext(fakeWindow({ search: `?${id}=abc` }), undefined)).toMatchObject({ clickIds: [id], referrer: 'paid' });
  });
});

describe('session number and returning visitors', () => {
  // Local midnight of a fixed day in this process's timezone.
  const midnight = new Date(2026, 0, 15).getTime();
  const tz = -new Date(midnight).getTimezoneOffset();
  const view = (times: number[]) => snapshotOf(viewProfile(applyAll(emptyProfile(), times.map((ts): TrackedEvent => ({ name: 'page_view', ts, tz, props: {} }))).profile, times.at(-1) ?? 0));
  const min = 60_000;
  const timeout = DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;

  const cases: Array<[string, number[] | undefined, number, number]> = [
    ['a first visit', undefined, midnight + 600 * min, 1],
    ['within a session', [midnight + 600 * min], midnight + 610 * min, 1],
    ['after 30 minutes idle', [midnight + 600 * min], midnight + 600 * min + timeout + 1, 2],
    ['just under the timeout', [midnight + 600 * min], midnight + 600 * min + timeout, 1],
    ['across local midnight', [midnight - 5 * min], midnight + 5 * min, 2],
    ['third session', [midnight, midnight + timeout + min], midnight + 2 * timeout + 3 * min, 3],
  ];
  it.each(cases)('%s', (_label, times, now, expected) => {
    expect(sessionNumber(times && view(times), now, tz)).toBe(expected);
  });

  it('marks returning visitors from their second session', () => {
    const first = collectContext(fakeWindow({}), undefined, midnight + 600 * min);
    expect(first).toMatchObject({ sessionNumber: 1, returning: false });
    const again = collectContext(fakeWindow({}), view([midnight + 600 * min]), midnight + 700 * min);
    expect(again).toMatchObject({ sessionNumber: 2, returning: true });
  });

  it('reads screen, language, time and preferences', () => {
    const now = midnight + 14 * 60 * min;
    const context = collectContext(fakeWindow({ media: ['(prefers-reduced-motion: reduce)'], screen: [390, 844] }), undefined, now);
    expect(context).toMatchObject({ viewportWidth: 390, viewportHeight: 844, pixelRatio: 2, language: 'de-de', hour: 14, weekday: new Date(now).getDay(), reducedMotion: true });
    expect(typeof context.timezone).toBe('string');
  });
});

describe('the two halves: what decisions read, then the rest', () => {
  const midnight = new Date(2026, 0, 15).getTime();
  const min = 60_000;
  const win = (): Window => fakeWindow({ ua: IPHONE_UA, touchPoints: 5, media: touch, screen: [390, 844], search: '?utm_campaign=Spring&gclid=x' });

  it('collects for the first decisions exactly what ctx.* features read, and nothing of the User-Agent tables', () => {
    const now = midnight + 9 * 60 * min;
    const context = decisionContext(win(), undefined, now);
    expect(Object.keys(context).sort()).toEqual(['clickIds', 'device', 'hour', 'referrer', 'returning', 'sessionNumber', 'utm', 'weekday']);
    expect(context).toMatchObject({ device: 'mobile', hour: 9, referrer: 'paid', utm: { campaign: 'Spring' }, clickIds: ['gclid'], sessionNumber: 1, returning: false });
  });

  it('describes the rest in place, its costly parts resolved only when read, and together equals collectContext', () => {
    const now = midnight + 9 * 60 * min;
    const first = decisionContext(win(), undefined, now);
    const described = describeVisit(first, win());
    expect(described).toBe(first);
    for (const lazy of ['os', 'browser', 'timezone', 'reducedMotion']) expect(typeof Object.getOwnPropertyDescriptor(described, lazy)?.get, lazy).toBe('function');
    expect(described).toMatchObject({ os: 'ios', browser: 'safari', viewportWidth: 390, language: 'de-de', reducedMotion: false });
    expect({ ...described }).toEqual({ ...collectContext(win(), undefined, now) });
  });
});
