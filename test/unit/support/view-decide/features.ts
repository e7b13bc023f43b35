/**
 * Features: named numbers describing the visitor, the moment and how well a
 * candidate fits. Names are stable so model weights, eligibility rules,
 * segment rules and explanations can cite them (the list is in docs/model.md).
 */
import type { VisitContext } from '../../../../src/core/context.js';
import { hasOwn } from '../../../../src/core/field.js';
import { lifecycleStage, registerNumber } from './lifecycle.js';
import { type Rule, type TagMatrix, satisfies } from '../../../../src/core/model.js';
import { DEFAULT_PROFILE_OPTIONS, type Dimension, EVENTS_LABEL, type Horizon } from '../../../../src/core/profile.js';
import type { ProfileView } from '../../../../src/core/view.js';
import type { Features } from '../../../../src/core/feature-vector.js';

export type { Features } from '../../../../src/core/feature-vector.js';

/** Something a slot can show, described by tags such as `running` or `brand:acme`. */
export interface Candidate {
  /** Variant id, unique within the slot. */
  id: string;
  /** Tags matched against the visitor's affinities. */
  tags: readonly string[];
}

const DIMENSIONS: readonly Dimension[] = ['cat', 'tag', 'brand', 'price'];
const DAY = 86_400_000;

/**
 * How strongly one tag holds the visitor's interest in one horizon: its share
 * of their affinity in its dimension, and the share of their item events that
 * touched it (per-event frequency, an estimate of the chance the next one does).
 * A bare tag (`running`) matches every dimension; a qualified one (`brand:acme`) only its own.
 */
export function tagStrength(view: ProfileView, horizon: Horizon, tag: string): [share: number, frequency: number] {
  // Decisions and recommendations on one view ask for the same tags again: compute each once per view.
  let cache = memo.get(view);
  if (!cache) memo.set(view, (cache = { l: new Map(), s: new Map(), r: new Map() }));
  let known = cache[horizon].get(tag);
  if (!known) cache[horizon].set(tag, (known = measure(view, horizon, tag)));
  return known;
}

const memo = new WeakMap<ProfileView, Record<Horizon, Map<string, [number, number]>>>();

function measure(view: ProfileView, horizon: Horizon, tag: string): [number, number] {
  const colon = tag.indexOf(':');
  const affinities = view.affinities(horizon);
  const events = affinities.get(EVENTS_LABEL) ?? 0;
  let share = 0;
  let top = 0;
  // `colon >= 0` here (and below) differs only for a tag that starts with ':', which no dimension names.
  for (const dimension of colon > 0 ? [tag.slice(0, colon) as Dimension] : DIMENSIONS) {
    const value = affinities.get(colon > 0 ? tag : dimension + ':' + tag) ?? 0;
    if (!value) continue;
    share = Math.max(share, value / view.affinityTotal(horizon, dimension));
    top = Math.max(top, value);
  }
  // Profiles stored before events were counted fall back to the share.
  return [share, events ? Math.min(1, top / events) : share];
}

/**
 * Where the visitor is likely to go next, per tag: the model's transitions
 * from the tags of their latest items, each item weighted by half per item
 * event since (so mostly the last one or two). Computed once per view and model.
 */
function nextStrengths(view: ProfileView, links: TagMatrix): Map<string, number> {
  let known = nextMemo.get(view);
  if (known?.[0] === links) return known[1];
  const out = new Map<string, number>();
  let total = 0;
  view.ages.forEach((age, label) => {
    // Own rows only: a label such as `cat:constructor` must not reach Object.prototype.
    const key = [label, label.slice(label.indexOf(':') + 1)].find((k) => hasOwn(links, k));
    const row = key === undefined || label === EVENTS_LABEL ? undefined : links[key];
    if (!row) return;
    const w = 0.5 ** age;
    total += w;
    for (const tag of Object.keys(row)) out.set(tag, (out.get(tag) ?? 0) + w * (row[tag] as number));
  });
  out.forEach((v, tag) => out.set(tag, v / total));
  nextMemo.set(view, (known = [links, out]));
  return out;
}

const nextMemo = new WeakMap<ProfileView, [TagMatrix, Map<string, number>]>();

/** A candidate's own features and the tag that matched best, for the explanation. */
export interface CandidateFeatures {
  features: Features;
  /** The tag behind `match.long` (or `match.short` when only that matched). */
  tag: string | undefined;
}

/**
 * How strongly a candidate's tags match the visitor's interests: as a share of
 * their affinity long-term (`match.long`), this session (`match.short`) and most
 * recently (`match.recent`), and as a per-event frequency long-term
 * (`match.freq`) and recently (`match.now`), long-term frequency again when a
 * visit starts (`match.start`), and the model's transitions from the latest
 * items to the candidate (`match.next`, with `links`). Session and recent interest count
 * only while the visit goes on: a visitor back after the session timeout
 * starts a new session with none.
 */
export function candidateFeatures(view: ProfileView, candidate: Candidate, links?: TagMatrix): CandidateFeatures {
  const last = view.register('t.last');
  const live = typeof last === 'number' && view.now - last < DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;
  const next = live && links ? nextStrengths(view, links) : undefined;
  let transition = 0;
  let long = 0;
  let short = 0;
  let recent = 0;
  let freq = 0;
  let now = 0;
  let tag: string | undefined;
  for (const t of candidate.tags) {
    const [l, f] = tagStrength(view, 'l', t);
    const s = live ? tagStrength(view, 's', t)[0] : 0;
    // The session-only branch (`!long && s > short`) needs a session affinity without its long-term twin, which
    // apply never writes (they are created and pruned together): its `false` mutant changes no result.
    if (l > long || (!long && s > short)) tag = t;
    long = Math.max(long, l);
    freq = Math.max(freq, f);
    short = Math.max(short, s);
    if (live) {
      const [r, n] = tagStrength(view, 'r', t);
      recent = Math.max(recent, r);
      now = Math.max(now, n);
      transition = Math.max(transition, next?.get(t) ?? 0);
    }
  }
  return {
    features: {
      'match.long': long, 'match.short': short, 'match.recent': recent, 'match.freq': freq, 'match.now': now,
      // A visit just starting has no recent interest: long-term frequency gets its own weight then.
      'match.start': live ? 0 : freq, 'match.next': transition,
    },
    tag,
  };
}

const clean = (s: string): string => s.toLowerCase().replace(/[^\w-]/g, '_').slice(0, 40);

function contextFeatures(f: Features, context: VisitContext): void {
  const { hour, weekday, utm } = context;
  if (context.device) f[`ctx.${context.device}`] = 1;
  if (context.referrer) f[`ctx.ref.${context.referrer}`] = 1;
  if (hour !== undefined) f[`ctx.${hour < 5 ? 'night' : hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening'}`] = 1;
  if (weekday !== undefined) f['ctx.weekend'] = weekday === 0 || weekday === 6 ? 1 : 0;
  if (utm?.campaign) {
    f['ctx.campaign'] = 1;
    f[`ctx.campaign.${clean(utm.campaign)}`] = 1;
  }
}

function traitFeatures(f: Features, view: ProfileView): void {
  for (const [key, value] of view.registers('u.')) {
    if (key === 'u.id') continue;
    const name = `trait.${clean(key.slice(2))}`;
    if (typeof value === 'number') f[name] = value;
    else if (typeof value === 'boolean') f[name] = value ? 1 : 0;
    else if (typeof value === 'string') f[`${name}:${clean(value)}`] = 1;
  }
}

/**
 * Features of the visitor and the moment, shared by every candidate:
 * context (`ctx.*`), recency/frequency/monetary (`rfm.*`), lifecycle stage
 * (`stage.*`), intent (`intent.*`), traits (`trait.*`) and, computed over
 * all of these, segment memberships (`seg.<name>`).
 */
export function visitorFeatures(view: ProfileView, context: VisitContext = {}, segments: Record<string, Rule> = {}): Features {
  const f: Features = {};
  contextFeatures(f, context);
  const sessions = view.number('s.count') ?? 0;
  const gap = registerNumber(view, 's.gap');
  f['ctx.returning'] = context.returning ?? sessions > 1 ? 1 : 0;
  const last = registerNumber(view, 't.last');
  const away = last === undefined ? 0 : view.now - last;
  const starting = last === undefined || away >= DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;
  f['ctx.sessionStart'] = starting ? 1 : 0;
  // Time away before this visit: now, when it is just starting; else before the session in progress.
  f['rfm.recency'] = Math.log1p((starting ? away : gap ?? 0) / DAY);
  f['rfm.frequency'] = Math.log1p(sessions);
  f['rfm.monetary'] = Math.log1p(view.number('m.value') ?? 0);
  f[`stage.${lifecycleStage(view)}`] = 1;
  f['intent.cart'] = Math.log1p(registerNumber(view, 'c.value') ?? 0);
  const checkout = registerNumber(view, 'c.checkout') ?? -Infinity;
  f['intent.checkout'] = view.now - checkout < DAY && (registerNumber(view, 'm.last') ?? -Infinity) < checkout ? 1 : 0;
  traitFeatures(f, view);
  for (const name of Object.keys(segments)) if (satisfies(segments[name], f)) f[`seg.${name}`] = 1;
  return f;
}
