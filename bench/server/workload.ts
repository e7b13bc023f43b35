/**
 * The server benchmark's data: device ids of a generated population, the ~20
 * fields each stored device starts with, and realistic batches (20–34 deltas of
 * mixed kinds with the SDK's key shapes, src/core/profile.ts) that move those
 * fields up the way a browser's profile does.
 */
import { createHash } from 'node:crypto';
import type { Field } from '../../src/core/field.js';
import type { Delta } from '../../src/core/merge.js';
import { prng as random } from '../../src/core/random.js';

/** Fields per generated device. */
export const POPULATION_FIELDS = 20;
/** The highest sequence number of a generated device. */
export const POPULATION_SEQ = POPULATION_FIELDS;
/** Time stamp of the generated population's fields (a fixed past instant, so runs are comparable). */
export const POPULATION_TIME = 1_760_000_000_000;

/** The id of generated device `i`: 22 characters spread like random ids (md5), so lookups hit the whole index. */
export function populationDevice(i: number): string {
  return 'd' + createHash('md5').update(String(i)).digest('hex').slice(0, 21);
}

/** The device key (protocol v2: 32 bytes, base64url, 43 characters) a benchmark client holds for `device`. */
export function populationDeviceKey(device: string): string {
  return createHash('sha256').update('k' + device).digest('base64url');
}

/** The credential hash the collector stores for `device` (sha256 hex of its device key). */
export function populationCredential(device: string): string {
  return createHash('sha256').update(populationDeviceKey(device)).digest('hex');
}

/** {@link populationCredential} as SQL for PostgreSQL, over the column `d` holding the device id. */
export const POPULATION_CREDENTIAL_SQL =
  "encode(sha256(convert_to(translate(rtrim(encode(sha256(convert_to('k' || d, 'UTF8')), 'base64'), '='), '+/', '-_'), 'UTF8')), 'hex')";

/** The same id as SQL for PostgreSQL, for `generate_series` bulk loads (`i` is the series column). */
export const POPULATION_DEVICE_SQL = "'d' || left(md5(i::text), 21)";

/** The fields every generated device starts with, in key order, with sequence numbers 1…20. */
export function populationFields(): Delta[] {
  const t = POPULATION_TIME;
  const fields: [string, Field][] = [
    ['a.l.brand:acme', { k: 'd', v: 1.5, t }],
    ['a.l.cat:running', { k: 'd', v: 3.25, t }],
    ['a.l.ev:n', { k: 'd', v: 6.5, t }],
    ['a.l.price:p1', { k: 'd', v: 2, t }],
    ['a.l.tag:sale', { k: 'd', v: 0.75, t }],
    ['a.n', { k: 'c', v: 9 }],
    ['a.r.cat:running', { k: 'd', v: 3, t: 9 }],
    ['a.r.ev:n', { k: 'd', v: 5, t: 9 }],
    ['a.s.cat:running', { k: 'd', v: 2.5, t }],
    ['a.s.ev:n', { k: 'd', v: 4, t }],
    ['b.i.hero.v1', { k: 'c', v: 3 }],
    ['b.i.promo.v2', { k: 'c', v: 1 }],
    ['c.value', { k: 'r', v: 'browsing', t }],
    ['n.page_view', { k: 'c', v: 12 }],
    ['n.view_item', { k: 'c', v: 7 }],
    ['s.count', { k: 'c', v: 2 }],
    ['s.start', { k: 'r', v: t - 600_000, t }],
    ['t.first', { k: 'm', v: t - 86_400_000 }],
    ['t.last', { k: 'r', v: t, t }],
    ['u.lang', { k: 'r', v: 'fr', t }],
  ];
  return fields.map(([key, f], i) => ({ s: i + 1, key, f }));
}

const CATEGORIES = ['running', 'trail', 'hiking', 'tennis', 'swim', 'yoga', 'cycling', 'climbing', 'ski', 'golf', 'football', 'basket'];
const BRANDS = ['acme', 'zenith', 'nordik', 'alto', 'brava', 'kumo'];
const EVENTS = ['page_view', 'view_item', 'add_to_cart', 'click', 'scroll', 'search', 'view_item_list'];
const SLOTS = ['hero', 'promo', 'exit', 'reco'];


/** What a simulated browser remembers of its device between batches. */
interface DeviceClock {
  /** Next sequence number. */
  s: number;
  /** Page views so far: counters grow with it. */
  n: number;
}

/**
 * Makes batches the way the SDK's sync queue sends them: one device, 20–34 deltas after
 * compaction (one per key), sequence numbers continuing the device's own, times now.
 */
export class BatchMaker {
  private readonly clocks = new Map<string, DeviceClock>();
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = random(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** The deltas of the next batch of `device` (a generated one continues after its 20 fields). */
  deltas(device: string, now: number): Delta[] {
    const clock = this.clocks.get(device) ?? { s: POPULATION_SEQ + 1, n: 12 };
    this.clocks.set(device, clock);
    clock.n += 1 + Math.floor(this.next() * 3);
    const count = 20 + Math.floor(this.next() * 15);
    const byKey = new Map<string, Field>();
    const put = (key: string, f: Field): void => void byKey.set(key, f);
    // Always: page views, session, time, the events label of every horizon.
    put('n.page_view', { k: 'c', v: clock.n });
    put('a.n', { k: 'c', v: clock.n });
    put('t.last', { k: 'r', v: now, t: now });
    put('t.first', { k: 'm', v: POPULATION_TIME - 86_400_000 });
    for (const h of ['l', 's', 'r']) put(`a.${h}.ev:n`, { k: 'd', v: 1 + this.next() * 8, t: h === 'r' ? clock.n : now });
    while (byKey.size < count) {
      const roll = this.next();
      if (roll < 0.45) {
        const h = this.pick(['l', 's', 'r']);
        const dimension = this.pick(['cat', 'cat', 'brand', 'price', 'tag']);
        const label = dimension === 'cat' ? this.pick(CATEGORIES) : dimension === 'brand' ? this.pick(BRANDS) : dimension === 'price' ? `p${Math.floor(this.next() * 4)}` : this.pick(['sale', 'new', 'eco', 'pro']);
        put(`a.${h}.${dimension}:${label}`, { k: 'd', v: this.next() * 10, t: h === 'r' ? clock.n : now });
      } else if (roll < 0.7) {
        put(`n.${this.pick(EVENTS)}`, { k: 'c', v: clock.n + Math.floor(this.next() * 5) });
      } else if (roll < 0.85) {
        put(`b.${this.pick(['i', 'c'])}.${this.pick(SLOTS)}.v${1 + Math.floor(this.next() * 3)}`, { k: 'c', v: clock.n });
      } else {
        put(this.pick(['c.value', 's.start', 'u.lang', 'c.checkout', 'm.last']), { k: 'r', v: this.pick(['browsing', 'cart', 'fr', 'en', now]), t: now });
      }
    }
    const deltas: Delta[] = [];
    for (const [key, f] of byKey) deltas.push({ s: clock.s++, key, f });
    return deltas;
  }
}

/** The p-th percentile (0–100) of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
