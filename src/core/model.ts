/**
 * The scoring model: a versioned JSON document of weights, validated on load,
 * and a logistic score per candidate.
 */
import type { Features } from './features.js';

/** Per-candidate settings in a model. */
export interface CandidateModel {
  /** Added to the score's logit. */
  bias?: number;
  /** Added to the global weight of each named feature. */
  weights?: Record<string, number>;
}

/** A model document (format documented in docs/model.md). */
export interface Model {
  /** Format version; only 1 exists. */
  version: 1;
  /** Identifies the trained model in decisions and debug output. */
  id: string;
  /** Global logit offset. */
  bias: number;
  /** Global weight per feature name. */
  weights: Record<string, number>;
  /** Per-slot, per-candidate adjustments. */
  slots: Record<string, Record<string, CandidateModel>>;
}

/** The model used until (or unless) one is loaded. */
export const BUILTIN_MODEL: Model = {
  version: 1,
  id: 'builtin-1',
  bias: -1.5,
  weights: { 'match.long': 3, 'match.short': 2 },
  slots: {},
};

/** The result of {@link parseModel}. */
export type ModelResult = { ok: true; model: Model } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function parseWeights(raw: unknown, where: string): Record<string, number> | string {
  if (raw === undefined) return {};
  if (!isRecord(raw)) return `${where} must be an object of numbers`;
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (FORBIDDEN.has(name)) return `${where} has a forbidden key "${name}"`;
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${where}.${name} must be a finite number`;
    out[name] = value;
  }
  return out;
}

/** Validates untrusted model JSON (parsed or as text); never throws. */
export function parseModel(input: unknown): ModelResult {
  let raw = input;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      return { ok: false, reason: 'model is not valid JSON' };
    }
  }
  if (!isRecord(raw)) return { ok: false, reason: 'model must be an object' };
  if (raw.version !== 1) return { ok: false, reason: `unsupported model version ${String(raw.version)}` };
  if (typeof raw.id !== 'string' || !raw.id || raw.id.length > 64) return { ok: false, reason: 'model id must be a short string' };
  const bias = raw.bias ?? 0;
  if (typeof bias !== 'number' || !Number.isFinite(bias)) return { ok: false, reason: 'model bias must be a finite number' };
  const weights = parseWeights(raw.weights, 'weights');
  if (typeof weights === 'string') return { ok: false, reason: weights };
  const slots: Model['slots'] = {};
  if (raw.slots !== undefined && !isRecord(raw.slots)) return { ok: false, reason: 'slots must be an object' };
  for (const [slot, candidates] of Object.entries(raw.slots ?? {})) {
    if (FORBIDDEN.has(slot) || !isRecord(candidates)) return { ok: false, reason: `slots.${slot} must be an object` };
    const parsed: Record<string, CandidateModel> = {};
    for (const [id, candidate] of Object.entries(candidates)) {
      if (FORBIDDEN.has(id) || !isRecord(candidate)) return { ok: false, reason: `slots.${slot}.${id} must be an object` };
      const w = parseWeights(candidate.weights, `slots.${slot}.${id}.weights`);
      if (typeof w === 'string') return { ok: false, reason: w };
      const b = candidate.bias ?? 0;
      if (typeof b !== 'number' || !Number.isFinite(b)) return { ok: false, reason: `slots.${slot}.${id}.bias must be a number` };
      parsed[id] = { bias: b, weights: w };
    }
    slots[slot] = parsed;
  }
  return { ok: true, model: { version: 1, id: raw.id, bias, weights, slots } };
}

/** One feature's share of a score, for explanations. */
export interface Contribution {
  feature: string;
  value: number;
}

/** A candidate's logistic score with the contributions that make it up. */
export interface Score {
  probability: number;
  contributions: Contribution[];
}

/** Scores one candidate's features: `sigmoid(bias + Σ weight × value)`. */
export function score(model: Model, slot: string, candidateId: string, features: Features): Score {
  const candidate = model.slots[slot]?.[candidateId];
  let logit = model.bias + (candidate?.bias ?? 0);
  const contributions: Contribution[] = [];
  for (const name of Object.keys(features)) {
    const x = features[name] ?? 0;
    const weight = (model.weights[name] ?? 0) + (candidate?.weights?.[name] ?? 0);
    if (x === 0 || weight === 0) continue;
    logit += weight * x;
    contributions.push({ feature: name, value: weight * x });
  }
  contributions.sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  return { probability: 1 / (1 + Math.exp(-logit)), contributions };
}
