/**
 * The event vocabulary and its validation.
 *
 * Every signal — collected from the DOM, pushed to a `dataLayer`, or passed to
 * `track()` — becomes one {@link TrackedEvent}. Validation is total: it never
 * throws, it returns either a normalized event or a reason the event was
 * dropped, so hostile input can be counted instead of breaking the host page.
 */

import { PROTOTYPE_KEYS } from './field.js';
import { isFiniteNumber } from './finite.js';

/** A JSON-safe property value after validation. */
export type PropertyValue = string | number | boolean | null | PropertyValue[] | { [key: string]: PropertyValue };

/** Free-form properties of an event, after validation. */
export type Properties = { [key: string]: PropertyValue };

/** A catalog item as events describe it (GA4 `items[]` shape, trimmed). */
export interface Item {
  /** Stable item id (SKU, article slug, movie id). */
  id: string;
  /** Primary category, used for category affinity. */
  category?: string;
  /** Brand, used for brand affinity. */
  brand?: string;
  /** Unit price in the event currency. */
  price?: number;
  /** Quantity, for cart and purchase events. */
  quantity?: number;
  /** Content tags (genres, topics, materials). */
  tags?: string[];
}

/** One normalized event, the only shape the profile reducer accepts. */
export interface TrackedEvent {
  /** Event name: GA4 names where one exists (`page_view`, `view_item`, `add_to_cart`, `purchase`, …). */
  name: string;
  /** Epoch milliseconds when the event happened. */
  ts: number;
  /** Local timezone offset in minutes east of UTC, for local-day session boundaries. */
  tz?: number;
  /** Items the event is about (views, cart, purchase). */
  items?: Item[];
  /** Monetary value (purchase total, cart value). */
  value?: number;
  /** Other properties. */
  props: Properties;
}

// The limits as constants: the code reads these (inlined when minified), EVENT_LIMITS tells them.
const MAX_NAME = 40;
const MAX_STRING = 256;
const MAX_KEYS = 25;
const MAX_DEPTH = 3;
const MAX_LIST = 50;
const MAX_TAGS = 20;

/** Limits applied by {@link validateEvent}; documented in the README. */
export const EVENT_LIMITS = {
  /** Longest accepted event name. */
  nameLength: MAX_NAME,
  /** Strings longer than this are truncated. */
  stringLength: MAX_STRING,
  /** Most properties per object; extra keys are dropped. */
  propertyCount: MAX_KEYS,
  /** Deepest nesting of objects and arrays. */
  depth: MAX_DEPTH,
  /** Most elements per array and items per event. */
  arrayLength: MAX_LIST,
  /** Most tags per item. */
  tagCount: MAX_TAGS,
} as const;

/** Why an event was rejected; counted per reason in debug output. */
export type RejectReason = 'not-object' | 'bad-name' | 'bad-timestamp' | 'bad-items' | 'bad-value' | 'bad-props' | 'unreadable';

/** The result of {@link validateEvent}. */
export type ValidationResult = { ok: true; event: TrackedEvent } | { ok: false; reason: RejectReason };

const NAME = /^[a-z][a-z0-9_]*$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Caps a string and removes lone surrogates, which JSON encoders and servers choke on. */
export function cleanString(value: string, max = MAX_STRING): string {
  // Equivalent mutants: slicing always, or at `>=`, gives the same string; scanning non-surrogates
  // (`[^\uD800-\uDFFF]`) only runs the replace, which changes nothing without a lone surrogate, more often.
  const capped = value.length > max ? value.slice(0, max) : value;
  // Most strings have no surrogate at all: a plain scan is cheaper than the replace with lookarounds.
  return /[\uD800-\uDFFF]/.test(capped) ? capped.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') : capped;
}

/**
 * Copies a value into a JSON-safe shape: strings capped, numbers finite, at most
 * {@link EVENT_LIMITS.propertyCount} keys, no functions, DOM nodes, symbols or
 * prototype keys. Returns `undefined` for values that cannot be kept.
 */
export function cleanValue(value: unknown, depth = 0): PropertyValue | undefined {
  if (typeof value === 'string') return cleanString(value);
  if (typeof value === 'number') return isFiniteNumber(value) ? value : undefined;
  if (typeof value === 'boolean' || value === null) return value;
  // Functions, symbols, bigints, undefined, and anything nested too deep.
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return undefined;
  // Through slice, which reads the array's own `constructor`: a hostile one throws (the event is unreadable), as it always did.
  if (Array.isArray(value)) return cleanList(value.slice(0, MAX_LIST), (element) => cleanValue(element, depth + 1));
  return isPlainObject(value) ? cleanObject(value, depth + 1) : undefined;
}

/** The first {@link EVENT_LIMITS.arrayLength} elements of `list` cleaned, without those that cannot be kept. */
function cleanList<T>(list: readonly unknown[], clean: (element: unknown) => T | undefined): T[] {
  const out: T[] = [];
  const count = Math.min(list.length, MAX_LIST);
  for (let i = 0; i < count; i++) {
    const cleaned = clean(list[i]);
    if (cleaned !== undefined) out.push(cleaned);
  }
  return out;
}

function cleanObject(value: Record<string, unknown>, depth: number, skip?: ReadonlySet<string>): Properties {
  const out: Properties = {};
  let count = 0;
  for (const key of Object.keys(value)) {
    if (count >= MAX_KEYS) break;
    if (PROTOTYPE_KEYS.has(key) || key.length > 64 || skip?.has(key)) continue;
    const cleaned = cleanValue(value[key], depth);
    if (cleaned === undefined) continue;
    out[key] = cleaned;
    count++;
  }
  return out;
}

/**
 * An affinity label (category, brand, tag) the profile can key a field by: one
 * with a prototype key between its dots and colons (`constructor`, `x.__proto__`)
 * would make a key every store and collector refuses, losing its whole batch.
 */
function affinityLabel(label: string | undefined): string | undefined {
  return label && !label.split(/[.:]/).some((part) => PROTOTYPE_KEYS.has(part)) ? label : undefined;
}

function cleanTags(value: unknown): string[] | undefined {
  if (typeof value === 'string') value = value.split(',');
  if (!Array.isArray(value)) return undefined;
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== 'string') continue;
    const trimmed = affinityLabel(cleanLabel(tag.toLowerCase()));
    if (trimmed && tags.length < MAX_TAGS) tags.push(trimmed);
  }
  return tags.length ? tags : undefined;
}

/** A label without control and format characters (invisible, or bidi overrides that disguise it), trimmed and capped. */
function cleanLabel(value: string): string {
  // Most labels are printable ASCII: a plain scan spares them the Unicode-property replace.
  // Equivalent mutant: `^[\x20-\x7e]$` (one character) only sends more labels through the replace.
  const visible = /^[\x20-\x7e]*$/.test(value) ? value : value.replace(/[\p{Cc}\p{Cf}]/gu, '');
  return cleanString(visible.trim(), 64);
}

function optionalLabel(value: unknown): string | undefined {
  if (isFiniteNumber(value)) value = String(value);
  return typeof value === 'string' ? cleanLabel(value) || undefined : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (typeof value === 'string' && value.trim() !== '') value = Number(value);
  return isFiniteNumber(value) ? value : undefined;
}

/** Normalizes one item; accepts GA4 field names (`item_id`, `item_category`, `item_brand`). */
export function cleanItem(raw: unknown): Item | undefined {
  if (!isPlainObject(raw)) return undefined;
  const id = optionalLabel(raw.id ?? raw.item_id);
  if (!id) return undefined;
  const item: Item = { id };
  for (const key of ['category', 'brand'] as const) {
    const label = affinityLabel(optionalLabel(raw[key] ?? raw[`item_${key}`])?.toLowerCase());
    if (label) item[key] = label;
  }
  // `undefined >= 0` and `undefined > 0` are false: an absent price or quantity is left out.
  const price = optionalNumber(raw.price) as number;
  if (price >= 0) item.price = price;
  const quantity = optionalNumber(raw.quantity) as number;
  if (quantity > 0) item.quantity = Math.min(Math.floor(quantity), 10_000);
  const tags = cleanTags(raw.tags);
  if (tags) item.tags = tags;
  return item;
}

/**
 * Validates and normalizes raw input into a {@link TrackedEvent}.
 * @param raw - anything: an object with `name`, optional `ts`, `items`, `value`, `props`.
 * @param now - the timestamp to use when `raw.ts` is absent.
 */
export function validateEvent(raw: unknown, now: number): ValidationResult {
  return guarded(() => {
    if (!isPlainObject(raw)) return 'not-object';
    const ts = raw.ts;
    const event = build(raw.name, ts === undefined ? now : ts, raw.tz, raw.items, raw.value);
    if (typeof event === 'string') return event;
    const props = raw.props;
    if (props === undefined) return event;
    if (!isPlainObject(props)) return 'bad-props';
    event.props = cleanObject(props, 1);
    return event;
  });
}

/**
 * Validates a `track(name, properties)` call as {@link validateEvent} would
 * validate `{ name, tz, items, value, props }` built from it (`items` and
 * `value` lifted out of the properties, the rest as `props`), without
 * building that object: a burst of calls allocates less.
 */
export function validateTrack(name: unknown, properties: unknown, now: number, tz: number): ValidationResult {
  return guarded(() => {
    // A plain object is read as it is; anything else is copied as a spread would (a string's characters, nothing of null).
    const source = (isPlainObject(properties) ? properties : { ...(properties as object) }) as Record<string, unknown>;
    const event = build(name, now, tz, source.items, source.value);
    if (typeof event !== 'string') event.props = cleanObject(source, 1, LIFTED);
    return event;
  });
}

/** What `read` returns as a result: a throwing getter or proxy trap means hostile input, which the host page must not see. */
function guarded(read: () => TrackedEvent | RejectReason): ValidationResult {
  try {
    const event = read();
    return typeof event === 'string' ? { ok: false, reason: event } : { ok: true, event };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}

/**
 * A verified identity's signature: lowercase hex HMAC-SHA256 of the user id,
 * computed by the site's server (protocol v2). `identify()` refuses any other
 * value, and the profile writes `u.sig` only from one that matches.
 */
export const isSignature = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/** Keys `track()` lifts out of its properties into the event. */
const LIFTED = new Set(['items', 'value']);

/** The last name that passed the check: a burst repeats one name, and the regex need not run again. */
let validName = 'page_view';

/** An event with empty props from its raw parts, or why they were rejected. */
function build(name: unknown, ts: unknown, tz: unknown, rawItems: unknown, rawValue: unknown): TrackedEvent | RejectReason {
  // `constructor` and `prototype` fit the pattern, but every field keyed by them (`n.constructor`) is refused downstream.
  // Equivalent mutant: skipping the `validName` shortcut checks a repeated name again, with the same answer.
  if (typeof name !== 'string' || (name !== validName && (name.length > MAX_NAME || !NAME.test(name) || PROTOTYPE_KEYS.has(name)))) return 'bad-name';
  validName = name;
  if (!isFiniteNumber(ts) || ts < 0) return 'bad-timestamp';
  const event: TrackedEvent = { name, ts: Math.floor(ts), props: {} };
  if (isFiniteNumber(tz) && Math.abs(tz) <= 16 * 60) event.tz = tz;
  if (rawItems !== undefined) {
    if (!Array.isArray(rawItems)) return 'bad-items';
    const items = cleanList(rawItems, cleanItem);
    if (items.length) event.items = items;
  }
  if (rawValue !== undefined) {
    // An absent (unreadable) value fails both comparisons.
    const value = optionalNumber(rawValue) as number;
    if (!(value >= 0 && value <= 1e9)) return 'bad-value';
    event.value = value;
  }
  return event;
}
