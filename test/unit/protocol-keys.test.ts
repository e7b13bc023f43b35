/**
 * docs/protocol.md "Profile keys" against the code, so a backend built from
 * the document stays compatible: every key the reducer produces for a corpus
 * of events covering each event kind matches a documented row with the
 * documented field kind, every row is produced by some event, and the
 * documented half-lives, weights, price bands, decay example, join rules and
 * device id format are the code's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateTrack, type TrackedEvent } from '../../src/core/events.js';
import { type Field, joinFields } from '../../src/core/field.js';
import { DEFAULT_PROFILE_OPTIONS, applyAll, emptyProfile } from '../../src/core/profile.js';
import { viewProfile } from '../../src/core/view.js';
import { randomId } from '../../src/store/store.js';

const doc = readFileSync('docs/protocol.md', 'utf8');
const section = (title: string): string => {
  const start = doc.indexOf(title);
  expect(start, `docs/protocol.md has no "${title}"`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n#', start + title.length);
  return doc.slice(start, end < 0 ? undefined : end);
};

/** The documented keys: pattern, field kind, and the pattern as a regular expression. */
const PLACEHOLDERS: Record<string, string> = { '<h>': '[lsr]', '<event>': '[a-z][a-z0-9_]*', '<band>': '\\d+' };
const rows = Array.from(section('### Key grammar').matchAll(/^\| `([^`]+)` \| `([cmdr])` \|/gm), ([, pattern, kind]) => ({
  pattern: pattern as string,
  kind: kind as Field['k'],
  regex: new RegExp(
    '^' + (pattern as string).split(/(<[a-z]+>)/).map((part) => PLACEHOLDERS[part] ?? (part.startsWith('<') ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$',
    'u',
  ),
}));

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0);

/** One event at `ts`, validated as `track()` validates it. */
function event(name: string, props: Record<string, unknown>, ts: number): TrackedEvent {
  const result = validateTrack(name, props, ts, 60);
  if (!result.ok) throw new Error(`corpus event ${name} refused: ${result.reason}`);
  return result.event;
}

/** Every kind of event the SDK records, over two sessions a day apart. */
const corpus: TrackedEvent[] = [
  event('page_view', { path: '/' }, T0),
  event('view_item', { items: [{ id: 'sku-1', category: 'Running', brand: 'Acme', price: 89, tags: ['trail', 'Été'] }] }, T0 + MIN),
  event('view_promotion', { slot: 'hero', variant: 'running', group: 'personalized' }, T0 + 2 * MIN),
  event('select_promotion', { slot: 'hero', variant: 'running', group: 'personalized' }, T0 + 3 * MIN),
  event('add_to_cart', { items: [{ id: 'sku-1', category: 'running', price: 89, quantity: 2 }] }, T0 + 4 * MIN),
  event('remove_from_cart', { items: [{ id: 'sku-1', price: 89 }] }, T0 + 5 * MIN),
  event('begin_checkout', { value: 89 }, T0 + 6 * MIN),
  event('purchase', { value: 89, items: [{ id: 'sku-1', category: 'running', price: 89 }] }, T0 + 7 * MIN),
  event('identify', { userId: 'user-1', traits: { plan: 'pro', beta: true }, signature: 'a'.repeat(64) }, T0 + 8 * MIN),
  event('offer_shown', { offer: 'welcome10' }, T0 + 9 * MIN),
  event('offer_clicked', { offer: 'welcome10' }, T0 + 10 * MIN),
  event('conversion', { goal: 'newsletter' }, T0 + 11 * MIN),
  event('search', { term: 'tent', items: [{ id: 'sku-9', category: 'camping', price: 340 }] }, T0 + DAY),
  event('view_item', { items: [{ id: 'sku-2', category: 'camping', price: 12 }, { id: 'sku-3', price: 150 }] }, T0 + DAY + MIN),
];

describe('docs/protocol.md "Profile keys" matches the reducer', () => {
  const { profile, deltas } = applyAll(emptyProfile(), corpus);
  const produced = new Map<string, Field>(Object.entries(profile.own.fields));

  it('documents the table it is checked by', () => {
    expect(rows.length).toBeGreaterThan(15);
    expect(deltas.length).toBe(produced.size);
  });

  it('documents every key the reducer produces, with its field kind', () => {
    const undocumented = [...produced].filter(([key, field]) => !rows.some((row) => row.regex.test(key) && row.kind === field.k)).map(([key, f]) => `${key} (${f.k})`);
    expect(undocumented, 'keys the reducer writes that no row of "Key grammar" documents').toEqual([]);
  });

  it('documents no key the reducer never produces', () => {
    const unused = rows.filter((row) => ![...produced].some(([key, field]) => row.regex.test(key) && row.kind === field.k)).map((row) => row.pattern);
    expect(unused, 'rows of "Key grammar" that no event of the corpus produces').toEqual([]);
  });

  it('states the half-lives, affinity weights and price bands the reducer uses', () => {
    const decay = section('### Decay law');
    expect(DEFAULT_PROFILE_OPTIONS.longHalfLifeMs).toBe(30 * DAY);
    expect(DEFAULT_PROFILE_OPTIONS.shortHalfLifeMs).toBe(30 * MIN);
    expect(decay).toContain('`l` (long-term) 30 days, `s` (this session) 30 minutes');
    expect(decay).toContain(`\`r\` (recent interest) ${DEFAULT_PROFILE_OPTIONS.recentHalfLifeEvents} item events`);
    const weights = /\*\*Affinity weights\*\* per event: ([^;]+);/.exec(section('### Key grammar'))?.[1] ?? '';
    const documented = Object.fromEntries(Array.from(weights.matchAll(/`([a-z_]+)` ([\d.]+)/g), ([, name, w]) => [name, Number(w)]));
    expect(documented).toEqual(DEFAULT_PROFILE_OPTIONS.eventWeights);
    expect(DEFAULT_PROFILE_OPTIONS.priceBands).toEqual([25, 100, 300]);
    expect(section('### Key grammar')).toContain('`p0` below 25, `p1` 25–99.99, `p2` 100–299.99, `p3` 300 and up');
    expect(DEFAULT_PROFILE_OPTIONS.maxFields).toBe(512);
  });

  it('follows the decay example: 4 at T0, then a view 30 days later stores 3, worth 2.121 15 days after', () => {
    const views = (ts: number, n: number) => Array.from({ length: n }, () => event('view_item', { items: [{ id: 'x', category: 'running' }] }, ts));
    const first = applyAll(emptyProfile(), views(T0, 4)).profile;
    expect(first.own.fields['a.l.cat:running']).toEqual({ k: 'd', v: 4, t: T0 });
    const later = applyAll(first, views(T0 + 30 * DAY, 1)).profile;
    expect(later.own.fields['a.l.cat:running']).toEqual({ k: 'd', v: 3, t: T0 + 30 * DAY });
    expect(viewProfile(later, T0 + 45 * DAY).affinities('l').get('cat:running')).toBeCloseTo(3 * 2 ** -0.5, 6);
  });

  it('follows the join rules and their examples', () => {
    // One device's counter: a retry and a late old batch change nothing.
    const counter = [12, 12, 14, 12].reduce<Field | undefined>((kept, v) => joinFields(kept, { k: 'c', v }), undefined);
    expect(counter).toEqual({ k: 'c', v: 14 });
    expect(joinFields({ k: 'm', v: 5 }, { k: 'm', v: 3 })).toEqual({ k: 'm', v: 3 });
    expect(joinFields({ k: 'd', v: 2, t: 1000 }, { k: 'd', v: 1.5, t: 800 })).toEqual({ k: 'd', v: 2, t: 1000 });
    expect(joinFields({ k: 'd', v: 2, t: 1000 }, { k: 'd', v: 3, t: 1000 })).toEqual({ k: 'd', v: 3, t: 1000 });
    expect(joinFields({ k: 'r', v: 'free', t: 100 }, { k: 'r', v: 'pro', t: 100 })).toEqual({ k: 'r', v: 'pro', t: 100 });
    expect(joinFields({ k: 'r', v: 'pro', t: 100 }, { k: 'r', v: 12, t: 100 })).toEqual({ k: 'r', v: 12, t: 100 });
    expect(joinFields({ k: 'r', v: 'pro', t: 250 }, { k: 'r', v: 'free', t: 100 })).toEqual({ k: 'r', v: 'pro', t: 250 });
  });

  it('reads across devices as documented: counters summed, minimums smallest, latest register, decayed sums decayed and summed', () => {
    const now = T0 + 30 * DAY;
    const phone = { seq: 3, fields: { 'n.view_item': { k: 'c', v: 5 }, 't.first': { k: 'm', v: T0 }, 'u.plan': { k: 'r', v: 'free', t: 100 }, 'a.l.cat:running': { k: 'd', v: 4, t: T0 } } };
    const laptop = { seq: 2, fields: { 'n.view_item': { k: 'c', v: 3 }, 't.first': { k: 'm', v: T0 + DAY }, 'u.plan': { k: 'r', v: 'pro', t: 250 }, 'a.l.cat:running': { k: 'd', v: 1, t: now } } };
    const view = viewProfile({ v: 1, own: phone as never, remote: { laptop: laptop as never } }, now);
    expect(view.number('n.view_item')).toBe(8);
    expect(view.number('t.first')).toBe(T0);
    expect(view.register('u.plan')).toBe('pro');
    expect(view.affinities('l').get('cat:running')).toBeCloseTo(3, 9);
  });

  it('makes device ids in the documented format', () => {
    expect(section('### Device id')).toContain('`crypto.randomUUID()`');
    for (let i = 0; i < 20; i++) expect(randomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
