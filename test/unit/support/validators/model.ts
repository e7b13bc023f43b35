/**
 * The scoring model's validator: untrusted model JSON in, a {@link Model} or
 * a reason out. The document's types and the built-in model live in
 * ./model-shape.ts, its scoring in ./score.ts and rules in ./rule.ts (the
 * decision path imports those, not this file); they are re-exported here so
 * callers that load models need one import.
 */
import { CANDIDATE_ID } from '../../../../src/core/ids.js';
import { PROTOTYPE_KEYS } from './field.js';
import type { OfferContent } from '../../../../src/core/offer.js';
import { BUILTIN_MODEL, type CandidateModel, type Model, type Range, type Rule, type TagMatrix } from '../../../../src/core/model-shape.js';

/** model-shape's `dict` as it was. */
function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The result of {@link parseModel}. */
export type ModelResult = { ok: true; model: Model } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const NAME = /^[\w.:-]{1,64}$/;

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
