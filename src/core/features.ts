/**
 * Features: named numbers describing the visitor, the moment and how well a
 * candidate fits. Names are stable so model weights, eligibility rules,
 * segment rules and explanations can cite them (the list is in docs/model.md).
 */
import { type Dimension, EVENTS_LABEL, type Horizon } from './affinity-label.js';
import type { VisitContext } from './context.js';
import type { Features } from './feature-vector.js';
import { hasOwn } from './field.js';
import { lifecycleStage } from './lifecycle.js';
import { type MemoCache, memo } from './memo.js';
import type { Rule, TagMatrix } from './model-shape.js';
import { satisfies } from './rule.js';
import { SESSION_TIMEOUT_MS } from './session.js';
import { type DecisionSnapshot, type Strength, registerNumber, snapshotNumber } from './snapshot.js';

export type { Features } from './feature-vector.js';

/** Something a slot can show, described by tags such as `running` or `brand:acme`. */
export interface Candidate {
  /** Variant id, unique within the slot. */
  id: string;
  /** Tags matched against the visitor's affinities. */
  tags: readonly string[];
}

const DIMENSIONS: readonly Dimension[] = ['cat', 'tag', 'brand', 'price'];
const DAY = 86_400_000;

/** What a tag that matches nothing weighs. */
const NONE: Strength = [0, 0];

/**
 * How strongly one tag holds the visitor's interest in one horizon: its share
 * of their affinity in its dimension, and the share of their item events that
 * touched it (per-event frequency, an estimate of the chance the next one does).
 * A bare tag (`running`) matches every dimension (the strongest counts); a
 * qualified one (`brand:acme`) only its own. The result is shared: do not change it.
 */
export function tagStrength(snapshot: DecisionSnapshot, horizon: Horizon, tag: string): Strength {
  // `> 0` against `>= 0` differs only for a tag that starts with ':', which names no dimension.
  if (tag.indexOf(':') <= 0) return bareStrengths(snapshot, horizon).get(tag) ?? NONE;
  const strengths = snapshot.a[horizon];
  // Own keys only: a tag such as `cat:constructor` must not reach Object.prototype.
  return hasOwn(strengths, tag) ? (strengths[tag] as Strength) : NONE;
}

/**
 * Per snapshot and horizon, each bare tag's strongest share and frequency over
 * the four dimensions, made in one pass over the labels: a page's first
 * decision asks for many tags, and a lookup per tag and dimension (a new
 * string each) cost several times the pass.
 */
function bareStrengths(snapshot: DecisionSnapshot, horizon: Horizon): Map<string, Strength> {
  const indexes = memo(bareMemo, snapshot, [], (): Partial<Record<Horizon, Map<string, Strength>>> => ({}));
  return (indexes[horizon] ??= bareIndex(snapshot.a[horizon]));
}

function bareIndex(strengths: Record<string, Strength>): Map<string, Strength> {
  const index = new Map<string, Strength>();
  for (const label of Object.keys(strengths)) {
    const colon = label.indexOf(':');
    if (!DIMENSIONS.includes(label.slice(0, colon) as Dimension)) continue;
    const bare = label.slice(colon + 1);
    const [share, freq] = strengths[label] as Strength;
    const known = index.get(bare);
    index.set(bare, known ? [Math.max(known[0], share), Math.max(known[1], freq)] : [share, freq]);
  }
  return index;
}

const bareMemo: MemoCache<DecisionSnapshot, Partial<Record<Horizon, Map<string, Strength>>>> = new WeakMap();

/**
 * Where the visitor is likely to go next, per tag: the model's transitions
 * from the tags of their latest items, each item weighted by half per item
 * event since (so mostly the last one or two). Computed once per snapshot and model.
 */
function nextStrengths(snapshot: DecisionSnapshot, links: TagMatrix): Map<string, number> {
  return memo(nextMemo, snapshot, [links], () => {
    const out = new Map<string, number>();
    let total = 0;
    for (const label of Object.keys(snapshot.ages)) {
      if (label === EVENTS_LABEL) continue;
      // Own rows only: a label such as `cat:constructor` must not reach Object.prototype.
      const bare = label.slice(label.indexOf(':') + 1);
      const row = hasOwn(links, label) ? links[label] : hasOwn(links, bare) ? links[bare] : undefined;
      if (!row) continue;
      const w = 0.5 ** (snapshot.ages[label] as number);
      total += w;
      for (const tag of Object.keys(row)) out.set(tag, (out.get(tag) ?? 0) + w * (row[tag] as number));
    }
    out.forEach((v, tag) => out.set(tag, v / total));
    return out;
  });
}

const nextMemo: MemoCache<DecisionSnapshot, Map<string, number>> = new WeakMap();

/** True while the visit the snapshot saw goes on at `now`: its last event is within the session timeout. */
export function sessionLive(snapshot: DecisionSnapshot, now: number): boolean {
  const last = registerNumber(snapshot, 't.last');
  return last !== undefined && now - last < SESSION_TIMEOUT_MS;
}

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
export function candidateFeatures(snapshot: DecisionSnapshot, now: number, candidate: Candidate, links?: TagMatrix): CandidateFeatures {
  const live = sessionLive(snapshot, now);
  const tags = candidate.tags;
  // A list that is not an object (an untyped caller's) cannot key a WeakMap: matched each time, never a TypeError.
  if (Object(tags) !== tags) return match(snapshot, live, tags, links);
  // Every slot of a page, and the explanation, ask again for the same candidates: match each tag list once
  // per snapshot, liveness and links (by identity: a list is read once, so pass a new one to change it).
  const byTags = memo(matchMemo, snapshot, [live, links], () => new WeakMap());
  return memo(byTags, tags, [], () => match(snapshot, live, tags, links));
}

const matchMemo: MemoCache<DecisionSnapshot, MemoCache<readonly string[], CandidateFeatures>> = new WeakMap();

function match(snapshot: DecisionSnapshot, live: boolean, tags: readonly string[], links: TagMatrix | undefined): CandidateFeatures {
  const next = live && links ? nextStrengths(snapshot, links) : undefined;
  let transition = 0;
  let long = 0;
  let short = 0;
  let recent = 0;
  let freq = 0;
  let recentFreq = 0;
  let tag: string | undefined;
  for (const t of tags) {
    const [l, f] = tagStrength(snapshot, 'l', t);
    const s = live ? tagStrength(snapshot, 's', t)[0] : 0;
    // The session-only branch (`!long && s > short`) needs a session affinity without its long-term twin, which
    // apply never writes (they are created and pruned together): its `false` mutant changes no result.
    if (l > long || (!long && s > short)) tag = t;
    long = Math.max(long, l);
    freq = Math.max(freq, f);
    short = Math.max(short, s);
    if (live) {
      const [r, n] = tagStrength(snapshot, 'r', t);
      recent = Math.max(recent, r);
      recentFreq = Math.max(recentFreq, n);
      transition = Math.max(transition, next?.get(t) ?? 0);
    }
  }
  return {
    features: {
      'match.long': long, 'match.short': short, 'match.recent': recent, 'match.freq': freq, 'match.now': recentFreq,
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

function traitFeatures(f: Features, snapshot: DecisionSnapshot): void {
  for (const key of Object.keys(snapshot.r)) {
    if (!key.startsWith('u.') || key === 'u.id') continue;
    const value = snapshot.r[key];
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
export function visitorFeatures(snapshot: DecisionSnapshot, now: number, context: VisitContext = {}, segments: Record<string, Rule> = {}): Features {
  const f: Features = {};
  contextFeatures(f, context);
  const sessions = snapshotNumber(snapshot, 's.count') ?? 0;
  const gap = registerNumber(snapshot, 's.gap');
  f['ctx.returning'] = context.returning ?? sessions > 1 ? 1 : 0;
  const last = registerNumber(snapshot, 't.last');
  const away = last === undefined ? 0 : now - last;
  const starting = last === undefined || away >= SESSION_TIMEOUT_MS;
  f['ctx.sessionStart'] = starting ? 1 : 0;
  // Time away before this visit: now, when it is just starting; else before the session in progress.
  f['rfm.recency'] = Math.log1p((starting ? away : gap ?? 0) / DAY);
  f['rfm.frequency'] = Math.log1p(sessions);
  f['rfm.monetary'] = Math.log1p(snapshotNumber(snapshot, 'm.value') ?? 0);
  f[`stage.${lifecycleStage(snapshot, now)}`] = 1;
  f['intent.cart'] = Math.log1p(registerNumber(snapshot, 'c.value') ?? 0);
  const checkout = registerNumber(snapshot, 'c.checkout') ?? -Infinity;
  f['intent.checkout'] = now - checkout < DAY && (registerNumber(snapshot, 'm.last') ?? -Infinity) < checkout ? 1 : 0;
  traitFeatures(f, snapshot);
  for (const name of Object.keys(segments)) if (satisfies(segments[name], f)) f[`seg.${name}`] = 1;
  return f;
}

/**
 * {@link visitorFeatures}, computed once for the same snapshot, moment,
 * context and segments (by identity): a page's slots decided at one moment
 * share them. The result is shared: do not change it.
 */
export function sharedVisitorFeatures(snapshot: DecisionSnapshot, now: number, context: VisitContext | undefined, segments: Record<string, Rule>): Features {
  return memo(visitorMemo, snapshot, [now, context, segments], () => visitorFeatures(snapshot, now, context, segments));
}

const visitorMemo: MemoCache<DecisionSnapshot, Features> = new WeakMap();
