/**
 * The profile reducer: `apply(profile, event) → { profile, deltas }`.
 *
 * Pure and deterministic: the same profile and event always give the same
 * result, with no clock, DOM or storage. The profile holds this device's
 * fields (see {@link Field}) and, separately, what other devices of the same
 * visitor contributed (pulled from the backend). Every field this event
 * changes comes back as a {@link Delta} for the sync queue.
 */
import type { Item, TrackedEvent } from './events.js';
import { type DecayField, type Field, type Scalar, decayedValue } from './field.js';
import { type Delta, type DeviceState, type Replica, emptyDeviceState, isFieldKey } from './merge.js';
import { CANDIDATE_ID } from './model.js';

/** Schema version of {@link Profile}; bumped with a migration in the store. */
export const PROFILE_VERSION = 1;

/** A visitor's profile as stored in the browser. */
export interface Profile {
  /** Schema version. */
  v: number;
  /** Fields written by this device, with its delta sequence number. */
  own: DeviceState;
  /** Fields other devices of this visitor wrote, as last pulled from the backend. */
  remote: Replica;
}

/** Tunables of the reducer. Defaults are {@link DEFAULT_PROFILE_OPTIONS}. */
export interface ProfileOptions {
  /** Half-life of long-term affinities, ms. */
  longHalfLifeMs: number;
  /** Half-life of in-session affinities, ms. */
  shortHalfLifeMs: number;
  /** Half-life of recent-interest affinities, counted in item events (not time: ratings and fast browsing share timestamps). */
  recentHalfLifeEvents: number;
  /** Inactivity that ends a session, ms. */
  sessionTimeoutMs: number;
  /** Most fields kept for this device; the weakest affinities are pruned beyond it. */
  maxFields: number;
  /** Affinity weight per event name; events not listed add no affinity. */
  eventWeights: Record<string, number>;
  /** Upper bounds of price bands, ascending; the last band is open-ended. */
  priceBands: number[];
}

/** Defaults documented in the README. */
export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = {
  longHalfLifeMs: 30 * 24 * 3600_000,
  shortHalfLifeMs: 30 * 60_000,
  recentHalfLifeEvents: 5,
  sessionTimeoutMs: 30 * 60_000,
  maxFields: 512,
  eventWeights: {
    page_view: 0.5,
    view_item: 1,
    select_item: 2,
    click: 1.5,
    add_to_cart: 3,
    begin_checkout: 2,
    purchase: 5,
    search: 1,
    conversion: 3,
  },
  priceBands: [25, 100, 300],
};

/**
 * Horizons of affinity fields: `l` long-term, `s` this session, `r` recent
 * interest, stamped with this device's item-event count (`a.n`) instead of a time.
 */
export type Horizon = 'l' | 's' | 'r';

/** Affinity dimensions. */
export type Dimension = 'cat' | 'brand' | 'price' | 'tag';

/** Affinity label (`a.<horizon>.ev:n`) that every item event adds its weight to, for per-event frequencies. */
export const EVENTS_LABEL = 'ev:n';

/** Field key of an affinity. */
export function affinityKey(horizon: Horizon, dimension: Dimension, value: string): string {
  return `a.${horizon}.${dimension}:${value}`;
}

/** A new, empty profile. */
export function emptyProfile(): Profile {
  return { v: PROFILE_VERSION, own: emptyDeviceState(), remote: {} };
}

/** Name of the price band a price falls in: `p0` cheapest … `pN` most expensive. */
export function priceBand(price: number, bands: readonly number[]): string {
  let band = 0;
  while (band < bands.length && price >= (bands[band] as number)) band++;
  return `p${band}`;
}

/** Collects field writes of one event, then turns them into deltas. */
class Writer {
  readonly fields: Record<string, Field>;
  readonly changed = new Map<string, Field>();
  constructor(own: DeviceState) {
    this.fields = { ...own.fields };
  }
  set(key: string, field: Field): void {
    this.fields[key] = field;
    this.changed.set(key, field);
  }
  add(key: string, amount: number): void {
    const previous = this.fields[key];
    const v = previous && previous.k === 'c' ? previous.v : 0;
    this.set(key, { k: 'c', v: v + amount });
  }
  min(key: string, value: number): void {
    const previous = this.fields[key];
    if (previous && previous.k === 'm' && previous.v <= value) return;
    this.set(key, { k: 'm', v: value });
  }
  register(key: string, value: Scalar, ts: number): void {
    const previous = this.fields[key];
    // Strictly increasing time per device makes the later write win the join.
    const t = previous && previous.k === 'r' ? Math.max(ts, previous.t + 1) : ts;
    this.set(key, { k: 'r', v: value, t });
  }
  decay(key: string, amount: number, ts: number, halfLifeMs: number): void {
    const previous = this.fields[key];
    if (previous && previous.k === 'd') {
      const t = Math.max(ts, previous.t);
      this.set(key, { k: 'd', v: decayedValue(previous, t, halfLifeMs) + amount, t });
    } else {
      this.set(key, { k: 'd', v: amount, t: ts });
    }
  }
  number(key: string): number | undefined {
    const field = this.fields[key];
    if (!field) return undefined;
    return field.k === 'r' ? (typeof field.v === 'number' ? field.v : undefined) : field.v;
  }
}

function localDay(ts: number, tz: number | undefined): number {
  return Math.floor((ts + (tz ?? 0) * 60_000) / 86_400_000);
}

function trackSession(w: Writer, event: TrackedEvent, options: ProfileOptions): void {
  const last = w.number('t.last');
  const isNew = last === undefined || event.ts - last > options.sessionTimeoutMs ||
    localDay(event.ts, event.tz) !== localDay(last, event.tz);
  if (isNew) {
    w.add('s.count', 1);
    // The time away before this session: recency for features, `lapsed` for the lifecycle.
    if (last !== undefined) w.register('s.gap', Math.max(0, event.ts - last), event.ts);
    w.register('s.start', event.ts, event.ts);
  }
  w.min('t.first', event.ts);
  w.register('t.last', Math.max(event.ts, last ?? 0), event.ts);
}

function itemLabels(item: Item, options: ProfileOptions): Array<[Dimension, string]> {
  const labels: Array<[Dimension, string]> = [];
  if (item.category) labels.push(['cat', item.category]);
  if (item.brand) labels.push(['brand', item.brand]);
  if (item.price !== undefined) labels.push(['price', priceBand(item.price, options.priceBands)]);
  for (const tag of item.tags ?? []) labels.push(['tag', tag]);
  return labels;
}

function trackAffinities(w: Writer, event: TrackedEvent, options: ProfileOptions): void {
  const weight = options.eventWeights[event.name];
  if (!weight || !event.items) return;
  w.add('a.n', 1);
  const n = w.number('a.n') as number;
  const touch = (label: string): void => {
    w.decay('a.l.' + label, weight, event.ts, options.longHalfLifeMs);
    w.decay('a.s.' + label, weight, event.ts, options.shortHalfLifeMs);
    w.decay('a.r.' + label, weight, n, options.recentHalfLifeEvents);
  };
  // The decayed weight of item events themselves: affinity over it is the share of events that touched a label.
  touch(EVENTS_LABEL);
  for (const item of event.items) for (const [dimension, value] of itemLabels(item, options)) touch(dimension + ':' + value);
}

function itemsValue(items: readonly Item[] | undefined): number {
  let total = 0;
  for (const item of items ?? []) total += (item.price ?? 0) * (item.quantity ?? 1);
  return total;
}

function trackCommerce(w: Writer, event: TrackedEvent): void {
  const cart = w.number('c.value') ?? 0;
  switch (event.name) {
    case 'add_to_cart':
      w.register('c.value', round2(cart + (event.value ?? itemsValue(event.items))), event.ts);
      break;
    case 'remove_from_cart':
      w.register('c.value', round2(Math.max(0, cart - (event.value ?? itemsValue(event.items)))), event.ts);
      break;
    case 'begin_checkout':
      w.register('c.checkout', event.ts, event.ts);
      break;
    case 'purchase':
      // Bought items are remembered so recommendations can leave them out.
      for (const item of event.items ?? []) if (isFieldKey('i.p.' + item.id)) w.add('i.p.' + item.id, 1);
      w.add('m.value', round2(event.value ?? itemsValue(event.items)));
      w.register('m.last', event.ts, event.ts);
      w.register('c.value', 0, event.ts);
      break;
  }
}

function trackIdentity(w: Writer, event: TrackedEvent): void {
  if (event.name !== 'identify') return;
  const userId = event.props.userId;
  if (typeof userId === 'string' && userId) w.register('u.id', userId, event.ts);
  const traits = event.props.traits;
  if (!traits || typeof traits !== 'object' || Array.isArray(traits)) return;
  for (const [name, value] of Object.entries(traits)) {
    if (value === null || typeof value !== 'object') w.register(`u.${name}`, value, event.ts);
  }
}

/** Feedback events and the counter they feed: `i` impressions, `k` clicks. */
const FEEDBACK: Record<string, string> = { view_promotion: 'i', select_promotion: 'k', offer_shown: 'i', offer_clicked: 'k' };
/** Events credited as conversions to the variants last seen in the same session. */
const CONVERSIONS = ['purchase', 'add_to_cart', 'conversion'];

/**
 * On-device learning inputs: per slot and variant, impressions `b.i.<slot>.<variant>`,
 * clicks `b.k.…` and conversions `b.v.…`. A conversion is credited to the variant
 * of every slot the visitor saw or clicked last, if that was within the session timeout.
 * Offers count as the slot `offer`.
 */
function trackFeedback(w: Writer, event: TrackedEvent, options: ProfileOptions): void {
  const kind = FEEDBACK[event.name];
  const props = event.props;
  if (kind) {
    const offer = event.name[0] === 'o';
    const slot = offer ? 'offer' : props.slot;
    const variant = offer ? props.offer : props.variant;
    if (typeof slot !== 'string' || typeof variant !== 'string' || !CANDIDATE_ID.test(slot) || !CANDIDATE_ID.test(variant)) return;
    const key = `b.${kind}.${slot}.${variant}`;
    if (!isFieldKey(key)) return;
    w.add(key, 1);
    w.register('b.last.' + slot, variant, event.ts);
  } else if (CONVERSIONS.includes(event.name)) {
    for (const key of Object.keys(w.fields)) {
      const last = w.fields[key];
      if (!key.startsWith('b.last.') || last?.k !== 'r' || event.ts - last.t > options.sessionTimeoutMs) continue;
      const credit = `b.v.${key.slice(7)}.${String(last.v)}`;
      if (isFieldKey(credit)) w.add(credit, 1);
    }
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Drops the weakest long-term affinities (and their session and recent twins) beyond `maxFields`. */
function prune(fields: Record<string, Field>, options: ProfileOptions, now: number): string[] {
  const keys = Object.keys(fields);
  if (keys.length <= options.maxFields) return [];
  const affinities = keys
    .filter((key) => key.startsWith('a.l.'))
    .map((key) => ({ key, value: decayedValue(fields[key] as DecayField, now, options.longHalfLifeMs) }))
    .sort((a, b) => a.value - b.value);
  const removed: string[] = [];
  let excess = keys.length - options.maxFields;
  for (const { key } of affinities) {
    if (excess <= 0) break;
    delete fields[key];
    removed.push(key);
    excess--;
    for (const twin of ['a.s.' + key.slice(4), 'a.r.' + key.slice(4)]) {
      if (!fields[twin]) continue;
      delete fields[twin];
      removed.push(twin);
      excess--;
    }
  }
  return removed;
}

/** Result of {@link apply}. */
export interface ApplyResult {
  /** The new profile; the input is not mutated. */
  profile: Profile;
  /** One delta per field the event changed, numbered in this device's sequence. */
  deltas: Delta[];
}

/**
 * Folds one validated event into the profile.
 * @returns the new profile and the deltas to sync.
 */
export function apply(profile: Profile, event: TrackedEvent, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): ApplyResult {
  return applyAll(profile, [event], options);
}

/**
 * Folds a batch of validated events, in order, into the profile. Equivalent to
 * applying them one by one and compacting the deltas, but the profile is copied
 * and pruned once per batch instead of once per event, which keeps a burst of
 * `track()` calls cheap on the main thread.
 * @returns the new profile and one delta per changed key, numbered in this device's sequence.
 */
export function applyAll(profile: Profile, events: readonly TrackedEvent[], options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): ApplyResult {
  const w = new Writer(profile.own);
  let last = 0;
  for (const event of events) {
    trackSession(w, event, options);
    w.add(`n.${event.name}`, 1);
    trackAffinities(w, event, options);
    trackCommerce(w, event);
    trackIdentity(w, event);
    trackFeedback(w, event, options);
    last = Math.max(last, event.ts);
  }
  const pruned = new Set(prune(w.fields, options, last));
  let seq = profile.own.seq;
  const deltas: Delta[] = [];
  for (const [key, f] of w.changed) {
    if (pruned.has(key)) continue;
    deltas.push({ s: ++seq, key, f });
  }
  return { profile: { v: profile.v, own: { seq, fields: w.fields }, remote: profile.remote }, deltas };
}
