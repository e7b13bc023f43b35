/**
 * Features: named numbers describing the visitor, the moment and how well a
 * candidate fits. Names are stable so model weights, eligibility rules,
 * segment rules and explanations can cite them (the list is in docs/model.md).
 */
import type { VisitContext } from './context.js';
import { lifecycleStage, registerNumber } from './lifecycle.js';
import { type Rule, satisfies } from './model.js';
import { DEFAULT_PROFILE_OPTIONS, type Dimension, type Horizon } from './profile.js';
import type { ProfileView } from './view.js';

/** A sparse, named feature vector. */
export type Features = Record<string, number>;

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
 * Share of the visitor's affinity (in one horizon) that a tag captures, 0–1.
 * A bare tag (`running`) matches every dimension; a qualified one (`brand:acme`) only its own.
 */
export function tagShare(view: ProfileView, horizon: Horizon, tag: string): number {
  const colon = tag.indexOf(':');
  const dimensions = colon > 0 ? [tag.slice(0, colon) as Dimension] : DIMENSIONS;
  const value = colon > 0 ? tag.slice(colon + 1) : tag;
  let best = 0;
  for (const dimension of dimensions) {
    const total = view.affinityTotal(horizon, dimension);
    if (total <= 0) continue;
    const share = (view.affinities(horizon).get(`${dimension}:${value}`) ?? 0) / total;
    if (share > best) best = share;
  }
  return best;
}

/** A candidate's own features and the tag that matched best, for the explanation. */
export interface CandidateFeatures {
  features: Features;
  /** The tag behind `match.long` (or `match.short` when only that matched). */
  tag: string | undefined;
}

/**
 * How strongly a candidate's tags match the visitor's long-term (`match.long`),
 * this session's (`match.short`) and most recent (`match.recent`) interests.
 * Session and recent interest count only while the visit goes on: a visitor
 * back after the session timeout starts a new session with none.
 */
export function candidateFeatures(view: ProfileView, candidate: Candidate): CandidateFeatures {
  const last = view.register('t.last');
  const live = typeof last === 'number' && view.now - last < DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;
  let long = 0;
  let short = 0;
  let recent = 0;
  let tag: string | undefined;
  for (const t of candidate.tags) {
    const l = tagShare(view, 'l', t);
    const s = live ? tagShare(view, 's', t) : 0;
    if (l > long || (!long && s > short)) tag = t;
    long = Math.max(long, l);
    short = Math.max(short, s);
    if (live) recent = Math.max(recent, tagShare(view, 'r', t));
  }
  return { features: { 'match.long': long, 'match.short': short, 'match.recent': recent }, tag };
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
  f['ctx.sessionStart'] = last === undefined || view.now - last >= DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs ? 1 : 0;
  f['rfm.recency'] = gap === undefined ? 0 : Math.log1p(gap / DAY);
  f['rfm.frequency'] = Math.log1p(sessions);
  f['rfm.monetary'] = Math.log1p(view.number('m.value') ?? 0);
  f[`stage.${lifecycleStage(view)}`] = 1;
  f['intent.cart'] = Math.log1p(registerNumber(view, 'c.value') ?? 0);
  const checkout = registerNumber(view, 'c.checkout') ?? -Infinity;
  f['intent.checkout'] = view.now - checkout < DAY && (registerNumber(view, 'm.last') ?? -Infinity) < checkout ? 1 : 0;
  traitFeatures(f, view);
  for (const name in segments) if (satisfies(segments[name], f)) f[`seg.${name}`] = 1;
  return f;
}
