/**
 * Device and visit context → {@link VisitContext}: device class, OS and
 * browser (User-Agent Client Hints where available, else the User-Agent
 * string), screen, language, time, connection, motion preference, where the
 * visit came from (referrer class, UTM parameters, click ids) and whether the
 * visitor is returning.
 */
import type { DeviceClass, ReferrerClass, VisitContext } from '../core/context.js';
import { startsSession } from '../core/session.js';
import { type DecisionSnapshot, registerNumber, snapshotNumber } from '../core/snapshot.js';

/** Click-id parameters recognised on the landing URL (names kept, values never). */
export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'twclid', 'li_fat_id', 'yclid'];

const OS: Array<[RegExp, string]> = [[/Android/i, 'android'], [/iPhone|iPad|iPod|iOS/i, 'ios'], [/Windows/i, 'windows'], [/CrOS|Chrome OS/i, 'chromeos'], [/Mac/i, 'macos'], [/Linux/i, 'linux']];
const BROWSERS: Array<[RegExp, string]> = [[/Edg/, 'edge'], [/OPR|Opera/, 'opera'], [/Samsung/, 'samsung'], [/Firefox|FxiOS/, 'firefox'], [/Chrome|CriOS/, 'chrome'], [/Safari/, 'safari']];
const SEARCH = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|startpage|naver)\./;
const SOCIAL = /(^|\.)(facebook|instagram|linkedin|pinterest|reddit|tiktok|youtube|twitter|threads|t|x|lnkd)\.(com|co|net|in)$/;
const EMAIL = /(^|\.)(mail|outlook|webmail)\./;

function match(table: Array<[RegExp, string]>, text: string): string | undefined {
  return table.find(([pattern]) => pattern.test(text))?.[1];
}

/** What `navigator.userAgentData` offers (not in every browser's typings). */
interface ClientHints {
  mobile?: boolean;
  platform?: string;
  brands?: Array<{ brand: string }>;
}

/** Screens whose short side is below this many CSS pixels are phones; larger touch-first screens are tablets. */
export const PHONE_MAX_SIDE = 600;

/**
 * Mobile, tablet or desktop. A phone or tablet says so in its User-Agent or
 * Client Hints, except when it does not: iPadOS and desktop-mode browsers
 * present a desktop User-Agent, and so does an emulated device (the User-Agent
 * is unchanged). So a touch-first device (a coarse primary pointer, or touch
 * points without hover) is classed by the short side of its screen, which,
 * unlike the viewport, does not depend on the page's viewport meta tag.
 */
export function deviceClass(win: Window): DeviceClass {
  const nav = win.navigator as Navigator & { userAgentData?: ClientHints };
  const ua = nav.userAgent;
  if (nav.userAgentData?.mobile || /Mobi|iPhone/.test(ua)) return 'mobile';
  if (/iPad|Tablet|Android/.test(ua)) return 'tablet';
  const media = (query: string): boolean => !!win.matchMedia?.(query).matches;
  if (!media('(pointer:coarse)') && !(nav.maxTouchPoints > 0 && media('(hover:none)'))) return 'desktop';
  return Math.min(win.screen.width, win.screen.height) < PHONE_MAX_SIDE ? 'mobile' : 'tablet';
}

/**
 * Classifies where the visit came from. Campaign tagging wins over the
 * referrer's host: click ids and paid mediums are `paid`, `utm_medium=email` is `email`.
 */
export function referrerClass(referrer: string, pageHost: string, params: URLSearchParams): ReferrerClass {
  const medium = (params.get('utm_medium') ?? '').toLowerCase();
  if (CLICK_IDS.some((id) => params.has(id))) return 'paid';
  // No medium is the common case: answered without running (and compiling, on a fresh page) the medium's patterns.
  if (medium) {
    if (/cp[cmv]|ppc|paid|display/.test(medium)) return 'paid';
    if (/e-?mail|newsletter/.test(medium)) return 'email';
    if (/social/.test(medium)) return 'social';
  }
  // No referrer is the common case: answered without the exception `new URL('')` throws (about 1 ms on a fresh page).
  if (!referrer) return 'direct';
  let host: string;
  try {
    host = new URL(referrer).hostname;
  } catch {
    return 'direct';
  }
  if (host === pageHost) return 'internal';
  // Web mail first: mail.google.com is not a search.
  return EMAIL.test(host) ? 'email' : SEARCH.test(host) ? 'search' : SOCIAL.test(host) ? 'social' : 'other';
}

/**
 * The visitor's session number at `now`, by the same rule as the profile
 * reducer: a session ends after 30 minutes of inactivity or at local midnight.
 */
export function sessionNumber(snapshot: DecisionSnapshot | undefined, now: number, tz: number): number {
  const count = (snapshot && snapshotNumber(snapshot, 's.count')) ?? 0;
  return startsSession(snapshot && registerNumber(snapshot, 't.last'), now, tz) ? count + 1 : Math.max(count, 1);
}

/**
 * What of the visit's context the page's first decisions read (`ctx.*` features): device class, where the
 * visit came from (referrer class, UTM parameters, click ids), local hour and weekday, session number and
 * returning. The script tag's first file collects only this; {@link describeVisit} adds the rest.
 */
export function decisionContext(win: Window, snapshot: DecisionSnapshot | undefined, now = Date.now()): VisitContext {
  const params = new URLSearchParams(win.location.search);
  const date = new Date(now);
  const context: VisitContext = {
    device: deviceClass(win),
    hour: date.getHours(),
    weekday: date.getDay(),
    referrer: referrerClass(win.document.referrer, win.location.hostname, params),
    clickIds: CLICK_IDS.filter((id) => params.has(id)),
  };
  const utm: Record<string, string> = {};
  for (const key of ['source', 'medium', 'campaign', 'term', 'content']) {
    const value = params.get('utm_' + key);
    if (value) utm[key] = value.slice(0, 100);
  }
  if (Object.keys(utm).length) context.utm = utm;
  context.sessionNumber = sessionNumber(snapshot, now, -date.getTimezoneOffset());
  context.returning = context.sessionNumber > 1;
  return context;
}

/**
 * Adds to `context` (in place) what no decision reads: OS and browser, screen, language, timezone,
 * connection, motion preference. The second stage does this (the first file carries none of it); the
 * costly ones resolve only when read.
 */
export function describeVisit(context: VisitContext, win: Window): VisitContext {
  const nav = win.navigator as Navigator & { userAgentData?: ClientHints; connection?: { effectiveType?: string; saveData?: boolean } };
  const hints = nav.userAgentData;
  const ua = nav.userAgent;
  // Copied as descriptors: a getter stays a getter, resolved when read.
  return Object.defineProperties(context, Object.getOwnPropertyDescriptors({
    // No decision uses OS or browser, and matching the User-Agent against their tables compiles a dozen
    // patterns on a fresh page (1–3 ms in a CPU profile of the first file): resolved when read.
    get os() {
      return /Mac/.test(ua) && nav.maxTouchPoints > 1 ? 'ios' : match(OS, hints?.platform || ua);
    },
    get browser() {
      return match(BROWSERS, hints?.brands?.map((b) => b.brand).join() || ua);
    },
    viewportWidth: win.innerWidth,
    viewportHeight: win.innerHeight,
    pixelRatio: win.devicePixelRatio,
    language: nav.language?.toLowerCase(),
    // Resolving it loads ICU data (15–30 ms on a fresh page, measured in Chromium) and no decision
    // uses it, so it resolves when read (debug panel).
    get timezone() {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    },
    connection: nav.connection?.effectiveType,
    saveData: nav.connection?.saveData,
    // No decision uses it, and a media query costs a style evaluation on a fresh page: resolved when read.
    get reducedMotion() {
      return win.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    },
  }));
}

/** Reads the visit's whole context from the browser; `snapshot` is the visitor's as loaded. */
export function collectContext(win: Window, snapshot: DecisionSnapshot | undefined, now = Date.now()): VisitContext {
  return describeVisit(decisionContext(win, snapshot, now), win);
}
