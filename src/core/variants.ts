/**
 * Variants described by the code that renders them (Preact `<Slot>`,
 * `decide(slot, variants)`), as markup describes its `<template>`s: an id, tags
 * and, optionally, an eligibility rule. With them a slot is decided from the
 * local profile on the first page view, without a model that declares it.
 */
import { DEFAULT_VARIANT } from './decide.js';
import { isRange } from './finite.js';
import { CANDIDATE_ID } from './ids.js';
import type { CandidateModel, Rule } from './model.js';

/** One variant as its renderer describes it. */
export interface VariantSpec {
  /** Variant id, unique within the slot: 1–64 letters, digits, `_` or `-` (`default` is the slot's own content). */
  id: string;
  /** Tags matched against the visitor's affinities, e.g. `running` or `brand:acme` (up to 32, lower-cased). */
  tags?: readonly string[];
  /** Shown only to visitors whose features lie in these ranges, e.g. `{ 'ctx.mobile': [1, null] }` (see docs/model.md). */
  eligibility?: Rule;
}

/** Most tags, and most ranges in an eligibility rule. */
const MAX = 32;

/** `rule` when it is an object of `[min, max]` ranges (at most 32), else `undefined`. */
function checkRule(rule: unknown): Rule | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return undefined;
  const entries = Object.entries(rule);
  return entries.length <= MAX && entries.every(([, r]) => isRange(r)) ? (Object.fromEntries(entries) as Rule) : undefined;
}

/** `tags` lower-cased and trimmed, when it is an array of at most 32 strings of 1–64 characters, else `undefined`. */
function checkTags(tags: unknown): string[] | undefined {
  if (!Array.isArray(tags) || tags.length > MAX) return undefined;
  const out = tags.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : ''));
  return out.every((t) => t && t.length <= 64) ? out : undefined;
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
  const { id, tags, eligibility } = (spec ?? {}) as Partial<Record<keyof VariantSpec, unknown>>;
  const cleanTags = tags === undefined ? undefined : checkTags(tags);
  const rule = eligibility === undefined ? undefined : checkRule(eligibility);
  if (typeof id !== 'string' || !CANDIDATE_ID.test(id) || id === DEFAULT_VARIANT || out.some((c) => c.id === id) || (tags !== undefined && !cleanTags) || (eligibility !== undefined && !rule)) return undefined;
  const entry = declared?.find((c) => c.id === id);
  const candidate: CandidateModel = { ...entry, id, tags: cleanTags ?? entry?.tags ?? [] };
  if (rule) candidate.eligibility = rule;
  return candidate;
}
