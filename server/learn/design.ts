/**
 * The trainer's design matrix: each logged personalized decision becomes a
 * sparse row over named parameters (global bias, global feature weights,
 * the chosen candidate's bias and its own weights on visitor features), an
 * offset (the visitor's on-device learned term, which the served score adds
 * outside the model) and the rewarded outcome.
 */
import type { LoggedDecision } from '../store/decision-log-store.js';
import { DEFAULT_ID, isLearnKey, LEARN_MEAN } from './policy.js';
import { type RewardKind, reward } from './reward.js';

/** Features are clipped to this magnitude while fitting, so one extreme value cannot dominate a gradient. */
export const FEATURE_CLIP = 10;

/** Parameter names: `bias`, `w:<feature>`, `b:<slot>:<candidate>`, `cw:<slot>:<candidate>:<feature>`. */
export type ParamName = string;

/** One decision as a sparse row. */
export interface Row {
  /** Parameter indexes with a non-zero value. */
  index: Int32Array;
  value: Float64Array;
  offset: number;
  y: number;
  device: string;
  receivedAt: number;
}

/** Interns parameter names into indexes. */
export class ParamIndex {
  readonly names: ParamName[] = [];
  private readonly ids = new Map<ParamName, number>();

  /** The index of a name, creating it. */
  id(name: ParamName): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  /** The index of a name, if it exists. */
  get(name: ParamName): number | undefined {
    return this.ids.get(name);
  }
}

const clip = (x: number): number => Math.max(-FEATURE_CLIP, Math.min(FEATURE_CLIP, x));

/**
 * The row of a decision for one of its candidates (the chosen one when
 * training; any when measuring how far a model moved). With `create` false,
 * parameters the index does not know are left out (their value is the prior's).
 * The default content has no parameters of its own: the client scores a
 * markup slot's default without the model's `default` entry.
 */
export function rowOf(params: ParamIndex, d: LoggedDecision, kind: RewardKind, variant = d.variant, create = true): Row {
  const entries = new Map<number, number>();
  const own = d.cf[variant] ?? {};
  const add = (name: string, x: number): void => {
    if (x === 0 || !Number.isFinite(x)) return;
    const id = create ? params.id(name) : params.get(name);
    if (id !== undefined) entries.set(id, (entries.get(id) ?? 0) + clip(x));
  };
  const mine = variant !== DEFAULT_ID;
  add('bias', 1);
  if (mine) add(`b:${d.slot}:${variant}`, 1);
  for (const source of [d.f, own]) {
    for (const name of Object.keys(source)) {
      if (isLearnKey(name)) continue;
      const x = source[name] as number;
      add(`w:${name}`, x);
      if (mine) add(`cw:${d.slot}:${variant}:${name}`, x);
    }
  }
  const index = Int32Array.from(entries.keys());
  const value = Float64Array.from(entries.values());
  return { index, value, offset: own[LEARN_MEAN] ?? 0, y: reward(d.outcomes, kind), device: d.device, receivedAt: d.receivedAt };
}

/** θ·x + offset for a row. */
export function rowLogit(row: Row, theta: Float64Array): number {
  let z = row.offset;
  for (let k = 0; k < row.index.length; k++) z += (theta[row.index[k] as number] as number) * (row.value[k] as number);
  return z;
}
