/**
 * Variants described by the code that renders them (Preact `<Slot>`,
 * `decide(slot, variants)`), as markup describes its `<template>`s: an id, tags
 * and, optionally, an eligibility rule. With them a slot is decided from the
 * local profile on the first page view, without a model that declares it.
 */
import { DEFAULT_VARIANT } from '../../../../src/core/decide.js';
import type { CandidateModel, Range, Rule } from '../../../../src/core/model-shape.js';

/** One variant as its renderer describes it. */
export interface VariantSpec {
  /** Variant id, unique within the slot: 1–64 letters, digits, `_` or `-` (`default` is the slot's own content). */
  id: string;
  /** Tags matched against the visitor's affinities, e.g. `running` or `brand:acme` (up to 32, lower-cased). */
  tags?: readonly string[];
  /** Shown only to visitors whose features lie in these ranges, e.g. `{ 'ctx.mobile': [1, null] }` (see docs/model.md). */
  eligibility?: Rule;
}

const ID = /^[\w-]{1,64}$/;
const MAX_TAGS = 32;

const isBound = (b: unknown): b is number | null => b === null || (typeof b === 'number' && Number.isFinite(b));
const isRange = (r: unknown): r is Range => Array.isArray(r) && r.length === 2 && r.every(isBound);

/** `rule` when it is an object of `[min, max]` ranges (at most 32), else `undefined`. */
function checkRule(rule: unknown): Rule | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return undefined;
  const entries = Object.entries(rule);
  return entries.length <= MAX_TAGS && entries.every(([, r]) => isRange(r)) ? (Object.fromEntries(entries) as Rule) : undefined;
}

/** `tags` lower-cased and trimmed, when it is an array of at most 32 strings of 1–64 characters, else `undefined`. */
function checkTags(tags: unknown): string[] | undefined {
  if (!Array.isArray(tags) || tags.length > MAX_TAGS) return undefined;
  const out = tags.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : ''));
  return out.every((t) => t.length > 0 && t.length <= 64) ? out : undefined;
}

/**
 * The candidates `specs` describe, each over the model's entry with the same
 * id (so it keeps the model's bias and weights, and its tags and eligibility
 * where the spec gives none). A malformed spec is left out and passed to
 * `reject`, and so is one that throws when read (a hostile getter or proxy):
 * nothing here throws into the caller.
 */
export function describedCandidates(specs: unknown, declared: readonly CandidateModel[] | undefined, reject: (spec: unknown) => void): CandidateModel[] {
  const out: CandidateModel[] = [];
  try {
    if (!Array.isArray(specs)) throw new TypeError('not an array');
    for (let i = 0; i < specs.length; i++) {
      const spec: unknown = specs[i];
      let candidate: CandidateModel | undefined;
      try {
        candidate = describe(spec, declared, out);
      } catch {
        // Unreadable: left out below.
      }
      if (candidate) out.push(candidate);
      else reject(spec);
    }
  } catch {
    reject(specs);
  }
  return out;
}

/** The candidate one spec describes, or `undefined` when it is malformed or repeats an id already in `out`. */
function describe(spec: unknown, declared: readonly CandidateModel[] | undefined, out: readonly CandidateModel[]): CandidateModel | undefined {
  const s = (spec ?? {}) as Partial<Record<keyof VariantSpec, unknown>>;
  const id = s.id;
  const tags = s.tags === undefined ? [] : checkTags(s.tags);
  const eligibility = s.eligibility === undefined ? undefined : checkRule(s.eligibility);
  if (typeof id !== 'string' || !ID.test(id) || id === DEFAULT_VARIANT || out.some((c) => c.id === id) || !tags || (s.eligibility !== undefined && !eligibility)) return undefined;
  const entry = declared?.find((c) => c.id === id);
  const candidate: CandidateModel = { ...entry, id, tags: s.tags === undefined ? entry?.tags ?? [] : tags };
  if (eligibility) candidate.eligibility = eligibility;
  return candidate;
}
