/**
 * The moment's context: what the browser says about this visit, independent
 * of history. Collected by `src/collect/context.ts`, turned into features by
 * `src/core/features.ts`.
 */

/** Device class from viewport, touch and User-Agent Client Hints. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** Where the visit came from. */
export type ReferrerClass = 'search' | 'social' | 'email' | 'paid' | 'internal' | 'direct' | 'other';

/** Context of the current visit. Every field is optional: unknown stays unknown. */
export interface VisitContext {
  device?: DeviceClass;
  /** OS family, e.g. `android`, `ios`, `windows`, `macos`, `linux`. */
  os?: string;
  /** Browser family, e.g. `chrome`, `safari`, `firefox`, `edge`. */
  browser?: string;
  viewportWidth?: number;
  viewportHeight?: number;
  pixelRatio?: number;
  /** BCP 47 language, lower-case, e.g. `de-de`. */
  language?: string;
  /** IANA timezone, e.g. `Europe/Berlin`. */
  timezone?: string;
  /** Local hour 0–23. */
  hour?: number;
  /** Local weekday 0 (Sunday) – 6. */
  weekday?: number;
  /** Effective connection type (`4g`, `3g`, …). */
  connection?: string;
  saveData?: boolean;
  reducedMotion?: boolean;
  referrer?: ReferrerClass;
  /** UTM parameters present on the landing URL. */
  utm?: { source?: string; medium?: string; campaign?: string; term?: string; content?: string };
  /** Click ids present on the landing URL (gclid, fbclid, msclkid, …), as booleans. */
  clickIds?: string[];
  /** Whether the visitor has been here in an earlier session. */
  returning?: boolean;
  /** 1 for the first session, 2 for the second, … */
  sessionNumber?: number;
}
