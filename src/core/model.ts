/**
 * The scoring model's validator: untrusted model JSON in, a {@link Model} or
 * a reason out. The document's types and the built-in model live in
 * ./model-shape.ts, its scoring in ./score.ts and rules in ./rule.ts (the
 * decision path imports those, not this file); they are re-exported here so
 * callers that load models need one import.
 *
 * The format is a table of small checks (below, from the leaves up), each of
 * which reads one value at a field path and returns its clean form or throws
 * a reason naming that path and the rule it broke: `model.slots.hero[0].id
 * must match [A-Za-z0-9_-]{1,64}`.
 */
import { CANDIDATE_ID } from './ids.js';
import { PROTOTYPE_KEYS } from './field.js';
import { isFiniteNumber, isRange } from './finite.js';
import type { OfferContent } from './offer.js';
import { BUILTIN_MODEL, type CandidateModel, type Model, type OfferModel, type Range, type Rule, type TagMatrix, dict } from './model-shape.js';

export * from './model-shape.js';
export * from './rule.js';
export * from './score.js';
export { CANDIDATE_ID } from './ids.js';

/** The result of {@link parseModel}. */
export type ModelResult = { ok: true; model: Model } | { ok: false; reason: string };

/** Reads the untrusted value at field path `where` into its clean form, or throws {@link Invalid}. */
type Check<T> = (raw: unknown, where: string) => T;
type Json = Record<string, unknown>;

/** Thrown inside the parser only; {@link parseModel} turns it into a reason. */
class Invalid extends Error {}

function fail(where: string, rule: string): never {
  throw new Invalid(`${where} ${rule}`);
}

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const NAME = /^[\w.:-]{1,64}$/;

/** A check that passes values as they are when `test` holds, else fails with `rule`. */
const is = <T>(test: (v: unknown) => boolean, rule: string): Check<T> => (raw, where) => (test(raw) ? (raw as T) : fail(where, rule));

/** `check`, except that an absent value is left out. */
const optional = <T>(check: Check<T>): Check<T | undefined> => (raw, where) => (raw === undefined ? undefined : check(raw, where));

/** `check` over the value, or over `fallback` when it is absent or null. */
const or = <T>(check: Check<T>, fallback: T): Check<T> => (raw, where) => check(raw ?? fallback, where);

const object = is<Json>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), 'must be an object');
const finite = is<number>(isFiniteNumber, 'must be a finite number');
const between = (min: number, max: number): Check<number> => is((v) => isFiniteNumber(v) && v >= min && v <= max, `must be a number in [${min}, ${max}]`);
const name = is<string>((v) => typeof v === 'string' && NAME.test(v), 'must match [\\w.:-]{1,64}');
const text = (max: number): Check<string> => is((v) => isText(v, max), `must be a string of 1–${max} characters`);
const url = (path: boolean): Check<string> => is((v) => isText(v, 2048) && (/^https?:\/\//i.test(v) || (path && /^\/(?!\/)/.test(v))),
  `must be an http(s) URL${path ? ' or a path' : ''} of at most 2048 characters`);

/** An object of values under names (`[\w.:-]{1,64}`, no prototype key), at most `max` of them; absent is empty. */
const map = <T>(value: Check<T>, max = Infinity): Check<Record<string, T>> => (raw, where) => {
  const out = dict<T>();
  if (raw === undefined) return out;
  const list = Object.entries(object(raw, where));
  if (list.length > max) fail(where, `must have at most ${max} keys`);
  for (const [key, v] of list) {
    if (!NAME.test(key) || PROTOTYPE_KEYS.has(key)) fail(where, `has a bad key "${key.slice(0, 64)}"`);
    out[key] = value(v, `${where}.${key}`);
  }
  return out;
};

/** A list of at most `max` values. */
const list = <T>(item: Check<T>, max: number): Check<T[]> => (raw, where) =>
  (Array.isArray(raw) && raw.length <= max ? raw : fail(where, `must be a list of at most ${max} items`)).map((v: unknown, i) => item(v, `${where}[${i}]`));

/** An object read key by key in the table's order (which the output keeps): a key checked to `undefined` is left out, keys not in the table are dropped. */
const shape = <T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> => (raw, where) => {
  const json = object(raw, where);
  const out = {} as T;
  // Object.keys, not for…in: a host page may have added enumerable keys to Object.prototype.
  for (const key of Object.keys(fields) as Array<keyof T>) {
    const value = fields[key](json[key as string], `${where}.${key as string}`);
    if (value !== undefined) out[key] = value;
  }
  return out;
};

/** Candidates with distinct ids. */
const candidates = <T extends CandidateModel>(item: Check<T>, max: number): Check<T[]> => (raw, where) => {
  const out = list(item, max)(raw, where);
  return new Set(out.map((c) => c.id)).size === out.length ? out : fail(where, 'has duplicate ids');
};

const rule: Check<Rule> = map(is<Range>(isRange, 'must be [min, max] with numbers or null'));
const matrix: Check<TagMatrix> = map(map(between(0, 1), 64), 64);

const candidate = {
  id: is<string>((v) => typeof v === 'string' && CANDIDATE_ID.test(v), 'must match [A-Za-z0-9_-]{1,64}'),
  tags: or(list((raw, where) => name(raw, where).toLowerCase(), 20), []),
  bias: optional(finite),
  weights: optional(map(finite)),
  eligibility: optional(rule),
};

const offerContent = shape<OfferContent>({
  title: text(120),
  body: optional(text(600)),
  code: optional(text(40)),
  image: optional(url(false)),
  action: optional(shape({ label: text(60), url: optional(url(true)) })),
});

const model = shape<Model>({
  version: is((v) => v === 1, 'must be 1'),
  id: name,
  bias: or(finite, 0),
  weights: map(finite),
  slots: map(candidates(shape<CandidateModel>(candidate), 200)),
  offers: (raw, where) => (raw === undefined ? [] : candidates(shape<OfferModel>({ ...candidate, content: offerContent }), 50)(raw, where)),
  segments: map(rule),
  holdout: or(between(0, 0.5), BUILTIN_MODEL.holdout),
  explore: (raw, where) => {
    const { prior, noise } = { ...BUILTIN_MODEL.explore, ...map(finite)(raw, where) };
    return prior > 0 && noise >= 0 ? { prior, noise } : fail(where, 'must have prior > 0 and noise ≥ 0');
  },
  links: optional(matrix),
  cooccur: optional(matrix),
});

/** Validates untrusted model JSON (parsed or as text); never throws. */
export function parseModel(input: unknown): ModelResult {
  try {
    return { ok: true, model: model(typeof input === 'string' ? JSON.parse(input) : input, 'model') };
  } catch (error) {
    return { ok: false, reason: error instanceof Invalid ? error.message : 'model is not valid JSON' };
  }
}
