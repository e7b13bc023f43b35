/**
 * The profile reducer: `apply(profile, event) → { profile, deltas }`.
 *
 * Pure and deterministic: the same profile and event always give the same
 * result, with no clock, DOM or storage. The profile holds this device's
 * fields (see {@link Field}) and, separately, what other devices of the same
 * visitor contributed (pulled from the backend). Every field this event
 * changes comes back as a {@link Delta} for the sync queue.
 */
import { type Item, type TrackedEvent, isSignature } from './events.js';
import { type CounterField, type DecayField, type Field, type Scalar, decayedValue, hasOwn } from './field.js';
import { type Delta, type DeviceState, type Replica, emptyDeviceState, isFieldKey } from './merge.js';
import { CANDIDATE_ID } from './ids.js';
import { type Dimension, EVENTS_LABEL, type Horizon } from './affinity-label.js';
import { SESSION_TIMEOUT_MS, startsSession } from './session.js';

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
  sessionTimeoutMs: SESSION_TIMEOUT_MS,
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

export { type Dimension, EVENTS_LABEL, type Horizon } from './affinity-label.js';

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
  return `p${bandIndex(price, bands)}`;
}

function bandIndex(price: number, bands: readonly number[]): number {
  let band = 0;
  // Equivalent mutants: past the last band, `price >= undefined` is false and ends the loop anyway.
  while (band < bands.length && price >= (bands[band] as number)) band++;
  return band;
}

/**
 * Decayed affinity values are stored to 7 significant digits: shorter deltas,
 * and still a total order per device (rounding is monotonic and a write always
 * adds a positive weight, so a later value never compares lower). Rounding
 * happens at every write, so a batch folds exactly as its events one by one.
 * Seven digits, not six, so that a weight of 0.5 still counts in full up to a
 * decayed sum of 1,000,000.
 */
export function roundDecayed(value: number): number {
  // Usual sums (0.1 to 1,000,000) find their scale by comparison: a burst's first
  // writes run in the interpreter, where every call counts.
  const scale = value < 1 ? (value < 0.1 ? 0 : 1e7) : value < 10 ? 1e6 : value < 100 ? 1e5 : value < 1e3 ? 1e4 : value < 1e4 ? 1e3 : value < 1e5 ? 100 : value < 1e6 ? 10 : 0;
  // value × scale is in [10^6, 10^7), where adding 0.5 is exact and | 0 is Math.round.
  // Equivalent mutants: at each exact boundary (0.1, 1, 10 … 10^6) both neighbouring scales give the same
  // number, and toPrecision(7) rounds values below 1 to the same 7 digits as the 1e7 scale; a value is never
  // negative, so `value > 0` may be `>= 0` or true.
  return scale ? ((value * scale + 0.5) | 0) / scale : value > 0 ? Number(value.toPrecision(7)) : value;
}

/** Feedback events and the counter they feed: `i` impressions, `k` clicks. */
const FEEDBACK: Record<string, string> = { view_promotion: 'i', select_promotion: 'k', offer_shown: 'i', offer_clicked: 'k' };
/**
 * Events credited as conversions to the variants last seen in the same session; the decision log credits
 * each last touch as its own outcome kind, and they are what counts as an offer's conversion.
 */
export const CONVERSIONS = ['purchase', 'add_to_cart', 'conversion'];
/** Events that commerce, identity or feedback tracking act on; others skip them. */
const SPECIAL = new Set(['remove_from_cart', 'begin_checkout', 'identify', ...CONVERSIONS, ...Object.keys(FEEDBACK)]);
const LAST_SHOWN = 'b.last.';

const round2 = (n: number): number => Math.round(n * 100) / 100;

function itemsValue(items: readonly Item[] | undefined): number {
  let total = 0;
  // Equivalent mutant: any non-item in place of `[]` is worth 0.
  for (const item of items ?? []) total += (item.price ?? 0) * (item.quantity ?? 1);
  return total;
}

/** Drops the weakest long-term affinities (and their session and recent twins) beyond `maxFields`. */
function prune(fields: Record<string, Field>, options: ProfileOptions, now: number): void {
  const keys = Object.keys(fields);
  // Equivalent mutants: going on at or under the limit finds no excess and deletes nothing.
  let excess = keys.length - options.maxFields;
  if (excess <= 0) return;
  const affinities = keys
    .filter((key) => key.startsWith('a.l.'))
    .map((key): [number, string] => [decayedValue(fields[key] as DecayField, now, options.longHalfLifeMs), key])
    .sort((a, b) => a[0] - b[0]);
  for (const [, key] of affinities) {
    if (excess <= 0) break;
    delete fields[key];
    excess--;
    for (const twin of ['a.s.' + key.slice(4), 'a.r.' + key.slice(4)]) {
      if (!fields[twin]) continue;
      delete fields[twin];
      excess--;
    }
  }
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
  // The batch's state lives in this closure's locals (the helpers below share them): a copy of the device's
  // fields, where objects in `mine` were created by this batch and are updated in place (never the input
  // profile's), so a burst allocates per key, not per event.
  const { sessionTimeoutMs, eventWeights, priceBands } = options;
  const fields: Record<string, Field> = { ...profile.own.fields };
  /** Keys this batch wrote, in first-write order, with their own field objects. */
  const mine = new Map<string, Field>();
  /** Own long/session/recent fields per affinity dimension and label, found without building keys. */
  const labels: Record<Dimension | 'ev', Map<string, DecayField[]>> = { ev: new Map(), cat: new Map(), brand: new Map(), price: new Map(), tag: new Map() };
  /** `n.<event>` keys per event name. */
  const names = new Map<string, string>();
  /** Price band names, `p0` … `pN`. */
  const bands = priceBands.concat(0).map((_, i) => `p${i}`);
  /** Per horizon (long, session, recent): its half-life, and its last decay age and factor (a burst repeats the same age). */
  const halves = [options.longHalfLifeMs, options.shortHalfLifeMs, options.recentHalfLifeEvents];
  const ages = [NaN, NaN, NaN];
  const factors = [1, 1, 1];
  /** This batch's own `a.n` counter, once an item event wrote it. */
  let count: CounterField | undefined;
  /** Keys of `b.last.<slot>` registers, once a conversion asked for them. */
  let shown: string[] | undefined;

  const put = (key: string, field: Field): void => {
    fields[key] = field;
    mine.set(key, field);
  };
  // In add, min and register, the branch on this batch's own object only saves an allocation: a mutant that
  // skips it writes a new object with the same value (equivalent).
  const add = (key: string, amount: number): void => {
    const own = mine.get(key);
    if (own?.k === 'c') own.v += amount;
    else {
      const previous = fields[key];
      put(key, { k: 'c', v: (previous?.k === 'c' ? previous.v : 0) + amount });
    }
  };
  const min = (key: string, value: number): void => {
    const previous = fields[key];
    if (previous?.k === 'm' && previous.v <= value) return;
    const own = mine.get(key);
    if (own?.k === 'm') own.v = value;
    else put(key, { k: 'm', v: value });
  };
  const register = (key: string, value: Scalar, ts: number): void => {
    const own = mine.get(key);
    // Strictly increasing time per device makes the later write win the join.
    if (own?.k === 'r') {
      own.v = value;
      own.t = Math.max(ts, own.t + 1);
    } else {
      const previous = fields[key];
      put(key, { k: 'r', v: value, t: previous?.k === 'r' ? Math.max(ts, previous.t + 1) : ts });
    }
  };
  /** A number this device wrote (`t.last`, `c.value`), or undefined; treating every kind as a register (a mutant) is equivalent, as counters hold numbers. */
  const number = (key: string): number | undefined => {
    const field = fields[key];
    if (!field) return undefined;
    return field.k === 'r' ? (typeof field.v === 'number' ? field.v : undefined) : field.v;
  };

  /**
   * Adds `weight` to an affinity label at all three horizons: each value decays
   * to the write's time (`ts`, or the item-event count `n` for recent interest), then grows.
   */
  const touch = (dimension: Dimension | 'ev', value: string, weight: number, ts: number, n: number): void => {
    let own = labels[dimension].get(value);
    if (!own) {
      // This batch's own long, session and recent fields of a new label.
      own = (['l', 's', 'r'] as const).map((horizon) => {
        const key = `a.${horizon}.${dimension}:${value}`;
        const previous = fields[key];
        // A field new to the profile starts at 0 at this write's time, which the first decay turns into the weight
        // (starting it at another time is an equivalent mutant: 0 decays to 0).
        const field: DecayField = previous?.k === 'd' ? { k: 'd', v: previous.v, t: previous.t } : { k: 'd', v: 0, t: horizon === 'r' ? n : ts };
        put(key, field);
        return field;
      });
      labels[dimension].set(value, own);
    }
    for (let h = 0; h < 3; h++) {
      const field = own[h] as DecayField;
      const at = h === 2 ? n : ts;
      // Equivalent mutants: `at >= field.t` decays by 2^0 = 1; always recomputing the factor gives the same factor.
      if (at > field.t) {
        const age = at - field.t;
        if (age !== ages[h]) {
          ages[h] = age;
          factors[h] = Math.pow(2, -age / (halves[h] as number));
        }
        field.v *= factors[h] as number;
        field.t = at;
      }
      field.v = roundDecayed(field.v + weight);
    }
  };

  const trackSession = (event: TrackedEvent): void => {
    const last = number('t.last');
    const ts = event.ts;
    if (startsSession(last, ts, event.tz, sessionTimeoutMs)) {
      add('s.count', 1);
      // The time away before this session: recency for features, `lapsed` for the lifecycle.
      if (last !== undefined) register('s.gap', Math.max(0, ts - last), ts);
      register('s.start', ts, ts);
    }
    min('t.first', ts);
    register('t.last', Math.max(ts, last ?? 0), ts);
  };

  const trackAffinities = (event: TrackedEvent, weight: number, items: Item[]): void => {
    // Equivalent mutant: without the cached counter, add() finds the same own object.
    if (count) count.v++;
    else {
      add('a.n', 1);
      count = fields['a.n'] as CounterField;
    }
    const n = count.v;
    const ts = event.ts;
    // The decayed weight of item events themselves (label `ev:n`): affinity over it is the share of events that touched a label.
    touch('ev', 'n', weight, ts, n);
    for (const item of items) {
      if (item.category) touch('cat', item.category, weight, ts, n);
      if (item.brand) touch('brand', item.brand, weight, ts, n);
      if (item.price !== undefined) touch('price', bands[bandIndex(item.price, priceBands)] as string, weight, ts, n);
      if (item.tags) for (const tag of item.tags) touch('tag', tag, weight, ts, n);
    }
  };

  const trackCommerce = (event: TrackedEvent): void => {
    const { name, ts } = event;
    if (name === 'add_to_cart' || name === 'remove_from_cart') {
      const cart = number('c.value') ?? 0;
      const value = event.value ?? itemsValue(event.items);
      register('c.value', round2(name === 'add_to_cart' ? cart + value : Math.max(0, cart - value)), ts);
    }
    if (name === 'begin_checkout') register('c.checkout', ts, ts);
    if (name === 'purchase') {
      // Bought items are remembered so recommendations can leave them out.
      for (const item of event.items ?? []) if (isFieldKey('i.p.' + item.id)) add('i.p.' + item.id, 1);
      add('m.value', round2(event.value ?? itemsValue(event.items)));
      register('m.last', ts, ts);
      register('c.value', 0, ts);
    }
  };

  const trackIdentity = (event: TrackedEvent): void => {
    const { props, ts } = event;
    const userId = props.userId;
    if (typeof userId === 'string' && userId) register('u.id', userId, ts);
    // Written with `u.id` in one event, so the collector checks the pair together (protocol v2).
    if (isSignature(props.signature)) register('u.sig', props.signature, ts);
    const traits = props.traits;
    if (!traits || typeof traits !== 'object' || Array.isArray(traits)) return;
    for (const [name, value] of Object.entries(traits)) {
      // A trait never stands in for the signature, whose only source is identify()'s checked option.
      if ((value === null || typeof value !== 'object') && name !== 'sig') register(`u.${name}`, value, ts);
    }
  };

  /**
   * On-device learning inputs: per slot and variant, impressions `b.i.<slot>.<variant>`,
   * clicks `b.k.…` and conversions `b.v.…`. A conversion is credited to the variant
   * of every slot the visitor saw or clicked last, if that was within the session timeout.
   * Offers count as the slot `offer`.
   */
  const trackFeedback = (event: TrackedEvent): void => {
    const { name, props } = event;
    const kind = FEEDBACK[name];
    if (kind) {
      const offer = name[0] === 'o';
      const slot = offer ? 'offer' : props.slot;
      const variant = offer ? props.offer : props.variant;
      if (typeof slot !== 'string' || typeof variant !== 'string' || !CANDIDATE_ID.test(slot) || !CANDIDATE_ID.test(variant)) return;
      const key = `b.${kind}.${slot}.${variant}`;
      if (!isFieldKey(key)) return;
      add(key, 1);
      const last = LAST_SHOWN + slot;
      // A new key goes last in the fields' order, as it would in a scan of them.
      if (shown && !fields[last]) shown.push(last);
      register(last, variant, event.ts);
    } else if (CONVERSIONS.includes(name)) {
      // One scan of the fields per batch, not per conversion.
      shown ??= Object.keys(fields).filter((key) => key.startsWith(LAST_SHOWN));
      for (const key of shown) {
        const last = fields[key];
        // Equivalent mutants: `b.last.*` keys in `shown` are always registers this device wrote with a
        // valid impression key of the same length, so the kind test and the credit's key test never refuse.
        if (last?.k !== 'r' || event.ts - last.t > sessionTimeoutMs) continue;
        const credit = `b.v.${key.slice(7)}.${String(last.v)}`;
        if (isFieldKey(credit)) add(credit, 1);
      }
    }
  };

  let latest = 0;
  for (const event of events) {
    const name = event.name;
    trackSession(event);
    // Equivalent mutants: rebuilding the counter key, or calling the trackers below for every event
    // (each checks the name itself), only costs time.
    let counter = names.get(name);
    if (!counter) names.set(name, (counter = 'n.' + name));
    add(counter, 1);
    // Own weights only: an event named `constructor` must not find Object's.
    const weight = hasOwn(eventWeights, name) ? eventWeights[name] : undefined;
    if (weight && event.items) trackAffinities(event, weight, event.items);
    if (SPECIAL.has(name)) {
      trackCommerce(event);
      if (name === 'identify') trackIdentity(event);
      trackFeedback(event);
    }
    // The prune's clock. Taking the last event's time instead of the latest (a mutant) differs only for a
    // batch out of order, by a decay ratio that the prune's order does not depend on.
    if (event.ts > latest) latest = event.ts;
  }
  prune(fields, options, latest);
  let seq = profile.own.seq;
  const deltas: Delta[] = [];
  // A pruned key is no longer in the fields: it is not sent.
  for (const [key, f] of mine) if (fields[key] === f) deltas.push({ s: ++seq, key, f });
  return { profile: { v: profile.v, own: { seq, fields }, remote: profile.remote }, deltas };
}
