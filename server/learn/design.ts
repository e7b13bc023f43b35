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

  /** Per scope (`w`, `cw:<slot>:<candidate>`), feature name → index: a row looks names up without building strings. */
  private readonly scopes = new Map<string, Map<string, number>>();

  /** The index of `<scope>:<name>` (creating it when `create`), memoized per scope. */
  scoped(scope: string, name: string, create: boolean): number | undefined {
    let inner = this.scopes.get(scope);
    if (!inner) this.scopes.set(scope, (inner = new Map()));
    let id = inner.get(name);
    if (id === undefined) {
      const full = `${scope}:${name}`;
      id = create ? this.id(full) : this.get(full);
      if (id !== undefined) inner.set(name, id);
    }
    return id;
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
  const ids: number[] = [];
  const values: number[] = [];
  const own = d.cf[variant] ?? {};
  const mine = variant !== DEFAULT_ID;
  const scope = mine ? `cw:${d.slot}:${variant}` : '';
  const push = (id: number | undefined, x: number): void => {
    if (id === undefined) return;
    ids.push(id);
    values.push(clip(x));
  };
  push(create ? params.id('bias') : params.get('bias'), 1);
  if (mine) push(params.scoped('b', `${d.slot}:${variant}`, create), 1);
  let shared = false;
  for (const source of [d.f, own]) {
    for (const name in source) {
      if (!Object.prototype.hasOwnProperty.call(source, name) || isLearnKey(name)) continue;
      const x = source[name] as number;
      if (x === 0 || !Number.isFinite(x)) continue;
      if (source === own && Object.prototype.hasOwnProperty.call(d.f, name)) shared = true;
      push(params.scoped('w', name, create), x);
      if (mine) push(params.scoped(scope, name, create), x);
    }
  }
  // A name in both the visitor's and the candidate's features (never in the client's records) adds up in one entry.
  if (shared) {
    const sums = new Map<number, number>();
    ids.forEach((id, k) => sums.set(id, clip((sums.get(id) ?? 0) + (values[k] as number))));
    return { index: Int32Array.from(sums.keys()), value: Float64Array.from(sums.values()), offset: own[LEARN_MEAN] ?? 0, y: reward(d.outcomes, kind), device: d.device, receivedAt: d.receivedAt };
  }
  return { index: Int32Array.from(ids), value: Float64Array.from(values), offset: own[LEARN_MEAN] ?? 0, y: reward(d.outcomes, kind), device: d.device, receivedAt: d.receivedAt };
}

/** θ·x + offset for a row. */
export function rowLogit(row: Row, theta: Float64Array): number {
  let z = row.offset;
  for (let k = 0; k < row.index.length; k++) z += (theta[row.index[k] as number] as number) * (row.value[k] as number);
  return z;
}
