/**
 * The scoring model: a versioned JSON document (format in docs/model.md),
 * validated on load, and a logistic score per candidate.
 */
import type { Features } from './feature-vector.js';
import { CANDIDATE_ID } from './ids.js';
import { PROTOTYPE_KEYS, hasOwn } from './field.js';
import type { OfferContent } from './offer.js';

/** Inclusive bounds on one feature; `null` leaves a side open. */
export type Range = [number | null, number | null];

/** A rule over features: every named feature (missing counts as 0) must lie in its range. */
export type Rule = Record<string, Range>;

/** Something a slot or the offer dialog can show, as the model describes it. */
export interface CandidateModel {
  /** Variant id, unique within its slot (`[A-Za-z0-9_-]{1,64}`). */
  id: string;
  /** Tags matched against the visitor's affinities, e.g. `running` or `brand:acme`. */
  tags: string[];
  /** Shown only to visitors whose features satisfy this rule. */
  eligibility?: Rule;
  /** Added to the logit: the candidate's popularity prior. */
  bias?: number;
  /** Added to the global weight of each named feature. */
  weights?: Record<string, number>;
}

/** An exit-intent offer: a candidate with the content the dialog shows. */
export interface OfferModel extends CandidateModel {
  content: OfferContent;
}

/** On-device learning and exploration settings. */
export interface Exploration {
  /** Weight of the model's prediction against the visitor's own outcomes, in pseudo-impressions. */
  prior: number;
  /** Spread of the Thompson draw in logit units before any feedback; 0 disables exploration. */
  noise: number;
}

/** A model document. */
export interface Model {
  /** Format version; only 1 exists. */
  version: 1;
  /** Identifies the trained model in decisions and debug output. */
  id: string;
  /** Global logit offset. */
  bias: number;
  /** Global weight per feature name. */
  weights: Record<string, number>;
  /** Per slot, its candidates (declared ones can be decided without markup; markup ones pick up weights by id). */
  slots: Record<string, CandidateModel[]>;
  /** Exit-intent offers. */
  offers: OfferModel[];
  /** Segment rules; a visitor matching one gets feature `seg.<name>` = 1. */
  segments: Record<string, Rule>;
  /** Share of visitors (0–0.5) kept on default content to measure uplift. */
  holdout: number;
  /** Exploration settings. */
  explore: Exploration;
  /** Transitions: `links[a][b]` estimates the chance the next item has tag `b` after items with tag `a` (feature `match.next`). */
  links?: TagMatrix;
  /** Co-occurrence: `cooccur[a][b]` is the share of items with tag `a` that also have `b` (coverage of recommendations). */
  cooccur?: TagMatrix;
}

/** Probabilities between (lowercase) tags, row tag → column tag → [0, 1]; at most 64 rows of 64 entries. */
export type TagMatrix = Record<string, Record<string, number>>;

/**
 * A map keyed by untrusted names (slots, segments, tags, features), without a
 * prototype: `slots['constructor']` finds nothing instead of `Object`, and
 * `for…in` ignores whatever a host page added to `Object.prototype`.
 */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The model used until (or unless) one is loaded. */
export const BUILTIN_MODEL: Model = {
  version: 1,
  id: 'builtin-1',
  bias: -1.5,
  weights: dict([['match.long', 3], ['match.short', 2]]),
  slots: dict(),
  offers: [],
  segments: dict(),
  holdout: 0.05,
  explore: { prior: 20, noise: 0.1 },
};

/** The `v` of a cached model that {@link parseModel} validated before it was stored (`sync/pull.ts`). */
export const VALIDATED_MODEL = 2;

/**
 * A cheap check that a model validated before it was stored still has the
 * shape decisions read: a page uses the cached model without validating it
 * again, and without shipping the validator in the script-tag core.
 */
export function isModelShaped(value: unknown): value is Model {
  const m = value as Partial<Model> | null;
  return !!m && m.version === 1 && typeof m.id === 'string' && typeof m.bias === 'number' && typeof m.holdout === 'number' &&
    Array.isArray(m.offers) && [m.slots, m.segments, m.weights, m.explore].every((o) => !!o && typeof o === 'object');
}

/** The result of {@link parseModel}. */
export type ModelResult = { ok: true; model: Model } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const NAME = /^[\w.:-]{1,64}$/;
export { CANDIDATE_ID } from './ids.js';

/** Thrown inside the parser only; {@link parseModel} turns it into a reason. */
class Invalid extends Error {}

function check(ok: boolean, reason: string): void {
  if (!ok) throw new Invalid(reason);
}

function entries(raw: unknown, where: string): Array<[string, unknown]> {
  if (raw === undefined) return [];
  check(isRecord(raw), `${where} must be an object`);
  const list = Object.entries(raw as Json);
  for (const [key] of list) check(NAME.test(key) && !PROTOTYPE_KEYS.has(key), `${where} has a bad key "${key.slice(0, 64)}"`);
  return list;
}

function weights(raw: unknown, where: string): Record<string, number> {
  const out = dict<number>();
  for (const [name, value] of entries(raw, where)) {
    check(isNumber(value), `${where}.${name} must be a finite number`);
    out[name] = value as number;
  }
  return out;
}

function matrix(raw: unknown, where: string): TagMatrix {
  const rows = entries(raw, where);
  check(rows.length <= 64, `${where} must have at most 64 rows`);
  const out: TagMatrix = dict();
  for (const [tag, row] of rows) {
    const list = entries(row, `${where}.${tag}`);
    check(list.length <= 64 && list.every(([, p]) => isNumber(p) && (p as number) >= 0 && (p as number) <= 1),
      `${where}.${tag} must map at most 64 tags to numbers in [0, 1]`);
    out[tag] = dict(list as Array<[string, number]>);
  }
  return out;
}

function rule(raw: unknown, where: string): Rule {
  const out: Rule = dict();
  for (const [name, range] of entries(raw, where)) {
    check(Array.isArray(range) && range.length === 2 && range.every((b) => b === null || isNumber(b)),
      `${where}.${name} must be [min, max] with numbers or null`);
    out[name] = range as Range;
  }
  return out;
}

function text(raw: unknown, where: string, max: number, required = false): string | undefined {
  if (raw === undefined && !required) return undefined;
  check(typeof raw === 'string' && raw.length > 0 && raw.length <= max, `${where} must be a string of 1–${max} characters`);
  return raw as string;
}

function url(raw: unknown, where: string, allowPath: boolean): string | undefined {
  const value = text(raw, where, 2048);
  check(value === undefined || /^https?:\/\//i.test(value) || (allowPath && /^\/(?!\/)/.test(value)),
    `${where} must be an http(s) URL${allowPath ? ' or a path' : ''}`);
  return value;
}

function offerContent(raw: unknown, where: string): OfferContent {
  check(isRecord(raw), `${where} must be an object`);
  const c = raw as Json;
  const content: OfferContent = { title: text(c.title, `${where}.title`, 120, true) as string };
  const body = text(c.body, `${where}.body`, 600);
  const code = text(c.code, `${where}.code`, 40);
  const image = url(c.image, `${where}.image`, false);
  if (body) content.body = body;
  if (code) content.code = code;
  if (image) content.image = image;
  if (c.action !== undefined) {
    check(isRecord(c.action), `${where}.action must be an object`);
    const a = c.action as Json;
    const href = url(a.url, `${where}.action.url`, true);
    content.action = { label: text(a.label, `${where}.action.label`, 60, true) as string };
    if (href) content.action.url = href;
  }
  return content;
}

function candidate(raw: unknown, where: string): CandidateModel {
  check(isRecord(raw), `${where} must be an object`);
  const c = raw as Json;
  check(typeof c.id === 'string' && CANDIDATE_ID.test(c.id), `${where}.id must match [A-Za-z0-9_-]{1,64}`);
  const tags = c.tags ?? [];
  check(Array.isArray(tags) && tags.length <= 20 && tags.every((t) => typeof t === 'string' && NAME.test(t)),
    `${where}.tags must be up to 20 short strings`);
  check(c.bias === undefined || isNumber(c.bias), `${where}.bias must be a finite number`);
  const out: CandidateModel = { id: c.id as string, tags: (tags as string[]).map((t) => t.toLowerCase()) };
  if (c.bias !== undefined) out.bias = c.bias as number;
  if (c.weights !== undefined) out.weights = weights(c.weights, `${where}.weights`);
  if (c.eligibility !== undefined) out.eligibility = rule(c.eligibility, `${where}.eligibility`);
  return out;
}

function candidates(raw: unknown, where: string, max: number): CandidateModel[] {
  check(Array.isArray(raw) && raw.length <= max, `${where} must be a list of at most ${max} candidates`);
  const list = (raw as unknown[]).map((c, i) => candidate(c, `${where}[${i}]`));
  check(new Set(list.map((c) => c.id)).size === list.length, `${where} has duplicate ids`);
  return list;
}

function build(raw: unknown): Model {
  check(isRecord(raw), 'model must be an object');
  const m = raw as Json;
  check(m.version === 1, `unsupported model version ${String(m.version).slice(0, 20)}`);
  check(typeof m.id === 'string' && NAME.test(m.id), 'model id must be a short string');
  const bias = m.bias ?? 0;
  check(isNumber(bias), 'model bias must be a finite number');
  const holdout = m.holdout ?? BUILTIN_MODEL.holdout;
  check(isNumber(holdout) && holdout >= 0 && holdout <= 0.5, 'holdout must be a share between 0 and 0.5');
  const explore = { ...BUILTIN_MODEL.explore, ...weights(m.explore, 'explore') };
  check(explore.prior > 0 && explore.noise >= 0, 'explore.prior must be > 0 and explore.noise ≥ 0');
  const slots: Model['slots'] = dict();
  for (const [name, list] of entries(m.slots, 'slots')) slots[name] = candidates(list, `slots.${name}`, 200);
  const offers = m.offers === undefined ? [] : candidates(m.offers, 'offers', 50).map((c, i) => ({
    ...c,
    content: offerContent(((m.offers as unknown[])[i] as Json).content, `offers[${i}].content`),
  }));
  const segments: Model['segments'] = dict();
  for (const [name, r] of entries(m.segments, 'segments')) segments[name] = rule(r, `segments.${name}`);
  const model: Model = {
    version: 1, id: m.id as string, bias: bias as number, weights: weights(m.weights, 'weights'),
    slots, offers, segments, holdout: holdout as number, explore: { prior: explore.prior, noise: explore.noise },
  };
  if (m.links !== undefined) model.links = matrix(m.links, 'links');
  if (m.cooccur !== undefined) model.cooccur = matrix(m.cooccur, 'cooccur');
  return model;
}

/** Validates untrusted model JSON (parsed or as text); never throws. */
export function parseModel(input: unknown): ModelResult {
  try {
    return { ok: true, model: build(typeof input === 'string' ? JSON.parse(input) : input) };
  } catch (error) {
    return { ok: false, reason: error instanceof Invalid ? error.message : 'model is not valid JSON' };
  }
}

/** The candidates the model declares for `slot` (none for a name it does not declare, `constructor` included). */
export function slotCandidates(model: Model, slot: string): CandidateModel[] | undefined {
  return hasOwn(model.slots, slot) ? model.slots[slot] : undefined;
}

/** True when `features` satisfy `rule` (a missing feature counts as 0). */
export function satisfies(rule: Rule | undefined, features: Features): boolean {
  // Own keys only (without allocating): rules written by hand (not parsed) are plain objects, and a host page may add to Object.prototype.
  for (const name in rule) {
    if (!hasOwn(rule, name)) continue;
    const [min, max] = rule[name] as Range;
    const x = features[name] ?? 0;
    if ((min !== null && x < min) || (max !== null && x > max)) return false;
  }
  return true;
}

/** One feature's share of a score, for explanations. */
export interface Contribution {
  /** Feature name (`match.long`, `prior`, `learned`, …). */
  feature: string;
  /** Its addition to the logit. */
  value: number;
  /** The same in plain words, e.g. `long-term affinity for running: +1.2`. */
  text: string;
}

/** Combined weights already built, keyed by the candidate's weights object (shared by markup copies of a declared entry). */
const compiled = new WeakMap<object, [Model, Map<string, number>]>();

/** Global plus the candidate's own weight per feature name, built once per model and candidate. */
export function weightsOf(model: Model, candidate: CandidateModel | undefined): Map<string, number> {
  const own = candidate?.weights;
  const key = own ?? model.weights;
  let entry = compiled.get(key);
  if (!entry || entry[0] !== model) {
    const map = new Map(Object.entries(model.weights));
    for (const name of Object.keys(own ?? {})) map.set(name, (map.get(name) ?? 0) + (own?.[name] as number));
    compiled.set(key, (entry = [model, map]));
  }
  return entry[1];
}

/** The weight a candidate gives a feature: global plus its own adjustment. */
export function weightOf(model: Model, candidate: CandidateModel | undefined, name: string): number {
  return weightsOf(model, candidate).get(name) ?? 0;
}

/** Named feature values as a list, so a hot loop reads them without enumerating object keys. */
export type FeatureList = ReadonlyArray<readonly [string, number]>;

/**
 * A candidate's logit: `bias + candidate bias + Σ weight × value` over the
 * visitor's features and the candidate's own. Hot path: no allocation once
 * the candidate's weights are built; pass lists from `Object.entries` to reuse them across candidates.
 */
export function logit(model: Model, candidate: CandidateModel | undefined, visitor: Features | FeatureList, own: Features | FeatureList): number {
  const w = weightsOf(model, candidate);
  return model.bias + (candidate?.bias ?? 0) + weighted(w, visitor) + weighted(w, own);
}

function weighted(w: Map<string, number>, features: Features | FeatureList): number {
  let z = 0;
  if (Array.isArray(features)) for (const [name, x] of features) z += (w.get(name) ?? 0) * x;
  // Own keys read in place: Object.entries allocated 8 arrays per candidate, and the garbage set the p99 of decide().
  else for (const name in features) if (hasOwn(features, name)) z += (w.get(name) ?? 0) * ((features as Features)[name] as number);
  return z;
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
