/**
 * The trainer: from logged `personalized` decisions (their decision-time
 * features and attributed outcomes) it fits a new model document starting
 * from, and pulled toward, the live one. Pure: no store, no clock.
 *
 * Bounds on what visitors can do to the model (docs/learning.md):
 * - one device contributes at most `deviceCap` decisions' worth of weight;
 * - devices first seen within `newDeviceMs` before the window's end ("new")
 *   carry at most `newDeviceShare` of the training weight (when there are
 *   established devices);
 * - the model is fitted twice, on established devices only and then on all,
 *   and the second fit's step is scaled so that no candidate's logit on any
 *   sampled logged context moves more than `newDeviceTrust` from the first:
 *   whatever new devices send, they move the served model at most that far.
 */
import type { Model } from '../../src/core/model.js';
import { CANDIDATE_ID, parseModel } from '../../src/core/model.js';
import type { LoggedDecision } from '../store/decision-log-store.js';
import { ParamIndex, type Row, rowLogit, rowOf } from './design.js';
import { prng } from '../../src/core/random.js';
import { DEFAULT_FIT, type FitOptions, fitLogistic } from './fit.js';
import { DEFAULT_ID, candidateEntry } from './policy.js';
import type { RewardKind } from './reward.js';

/** Trainer settings; see {@link DEFAULT_TRAIN}. */
export interface TrainOptions {
  /** What success is (docs/learning.md). */
  reward: RewardKind;
  /** Most weight one device contributes, in decisions. */
  deviceCap: number;
  /** A device whose first logged decision is this recent (before `until`) is new. */
  newDeviceMs: number;
  /** Most share of the training weight new devices may carry when established ones exist. */
  newDeviceShare: number;
  /** Most logit change new devices may cause on a sampled logged context (the poisoning bound). */
  newDeviceTrust: number;
  /** Pull toward the live model of global parameters and candidate biases, in decisions. */
  lambda: number;
  /** Pull toward the live model of per-candidate feature weights, in decisions. */
  candidateLambda: number;
  /**
   * Pull toward the live model of the weights of candidate features (`match.*`), in decisions.
   * The policy chooses the candidate whose match features score highest, so among chosen
   * candidates those features overstate the visitor's real interest (a winner's curse):
   * refitted freely, their weights drift down and the hero ranking got worse in the simulator.
   */
  matchLambda: number;
  /** Devices that must have seen a candidate the live model does not declare before it gets an entry. */
  minCandidateDevices: number;
  /** Logged contexts sampled for the trust-region check. */
  contexts: number;
  fit: FitOptions;
}

/** Defaults (docs/learning.md). */
export const DEFAULT_TRAIN: TrainOptions = {
  reward: 'click',
  deviceCap: 20,
  newDeviceMs: 86_400_000,
  newDeviceShare: 0.1,
  newDeviceTrust: 0.5,
  lambda: 10,
  candidateLambda: 50,
  matchLambda: 2000,
  minCandidateDevices: 20,
  contexts: 2000,
  fit: DEFAULT_FIT,
};

/** What a training run did. */
export interface TrainStats {
  /** Decisions read. */
  decisions: number;
  /** Personalized decisions used. */
  used: number;
  devices: number;
  newDevices: number;
  /** New devices' share of the weight before and after the cap. */
  newShareRaw: number;
  newShare: number;
  /** Largest logit move new devices caused on the sampled contexts before and after the trust region. */
  newShiftRaw: number;
  newShift: number;
  /** Parameters fitted. */
  parameters: number;
  ms: number;
}

/** A trained model and what its training did. */
export interface TrainResult {
  model: Model;
  stats: TrainStats;
}

/** Inputs besides the decisions. */
export interface TrainInput {
  live: Model;
  /** Id of the new model document. */
  id: string;
  /** End of the log window (epoch ms): devices first seen after `until − newDeviceMs` are new. */
  until: number;
  /** When each device was first seen, if known beyond the window (else its first decision in it). */
  firstSeen?: ReadonlyMap<string, number>;
}

const NAME = /^[\w.:-]{1,64}$/;

/** The live model's value of a parameter (the prior and the start of the fit). */
function priorValue(model: Model, name: string): number {
  if (name === 'bias') return model.bias;
  if (name.startsWith('w:')) return model.weights[name.slice(2)] ?? 0;
  const [kind, slot, id, ...rest] = splitParam(name);
  const entry = candidateEntry(model, slot, id);
  if (kind === 'b') return entry?.bias ?? 0;
  return entry?.weights?.[rest.join(':')] ?? 0;
}

/** `b:<slot>:<id>` or `cw:<slot>:<id>:<feature>`: slot and id have no colon (model names); a feature may. */
function splitParam(name: string): [string, string, string, ...string[]] {
  return name.split(':') as [string, string, string, ...string[]];
}

/** The pull of one parameter toward the live model. */
function lambdaOf(name: string, options: TrainOptions): number {
  const feature = name.startsWith('w:') ? name.slice(2) : name.startsWith('cw:') ? splitParam(name).slice(3).join(':') : '';
  if (feature.startsWith('match.')) return options.matchLambda;
  return name.startsWith('cw:') ? options.candidateLambda : options.lambda;
}

/** Fits a new model from logged decisions; see the module comment for the bounds. */
export function train(decisions: readonly LoggedDecision[], input: TrainInput, options: TrainOptions = DEFAULT_TRAIN): TrainResult {
  const started = performance.now();
  const used = decisions.filter((d) => d.group === 'personalized' && d.candidates.includes(d.variant) && d.p > 0);
  const params = new ParamIndex();
  params.id('bias');
  const rows = used.map((d) => rowOf(params, d, options.reward));
  const perDevice = new Map<string, number>();
  const first = new Map<string, number>();
  for (const d of used) {
    perDevice.set(d.device, (perDevice.get(d.device) ?? 0) + 1);
    const known = input.firstSeen?.get(d.device) ?? d.receivedAt;
    first.set(d.device, Math.min(first.get(d.device) ?? Infinity, known, d.receivedAt));
  }
  const isNew = (device: string): boolean => (first.get(device) as number) >= input.until - options.newDeviceMs;
  const weights = Float64Array.from(used, (d) => Math.min(1, options.deviceCap / (perDevice.get(d.device) as number)));
  let oldWeight = 0;
  let newWeight = 0;
  used.forEach((d, i) => {
    if (isNew(d.device)) newWeight += weights[i] as number;
    else oldWeight += weights[i] as number;
  });
  const rho = options.newDeviceShare;
  const scale = oldWeight > 0 && newWeight > (rho / (1 - rho)) * oldWeight ? (rho * oldWeight) / ((1 - rho) * newWeight) : 1;
  const established = weights.map((w, i) => (isNew((used[i] as LoggedDecision).device) ? 0 : w));
  const all = weights.map((w, i) => (isNew((used[i] as LoggedDecision).device) ? w * scale : w));

  const prior = Float64Array.from(params.names, (name) => priorValue(input.live, name));
  const lambda = Float64Array.from(params.names, (name) => lambdaOf(name, options));
  const base = oldWeight > 0 ? fitLogistic(rows, established, prior, lambda, options.fit) : prior;
  const fitted = newWeight > 0 ? fitLogistic(rows, all, base, lambda, options.fit) : base;

  // Trust region: the new devices' step may move no sampled context's logit more than newDeviceTrust.
  const contexts = sampleContexts(used, params, options);
  const step = fitted.map((x, j) => x - (base[j] as number));
  const shiftRaw = maxShift(contexts, step);
  const shrink = shiftRaw > options.newDeviceTrust ? options.newDeviceTrust / shiftRaw : 1;
  const theta = base.map((x, j) => x + shrink * (step[j] as number));

  const model = writeModel(input.live, input.id, params.names, theta, used, options.minCandidateDevices);
  const total = oldWeight + newWeight * scale;
  return {
    model,
    stats: {
      decisions: decisions.length,
      used: used.length,
      devices: perDevice.size,
      newDevices: [...perDevice.keys()].filter(isNew).length,
      newShareRaw: oldWeight + newWeight > 0 ? newWeight / (oldWeight + newWeight) : 0,
      newShare: total > 0 ? (newWeight * scale) / total : 0,
      newShiftRaw: shiftRaw,
      newShift: shiftRaw * shrink,
      parameters: params.names.length,
      ms: performance.now() - started,
    },
  };
}

/** Rows of every candidate of a seeded sample of decisions (known parameters only). */
export function sampleContexts(used: readonly LoggedDecision[], params: ParamIndex, options: Pick<TrainOptions, 'contexts' | 'reward'>): Row[] {
  const random = prng(7);
  const pick = used.length <= options.contexts ? used : Array.from({ length: options.contexts }, () => used[Math.floor(random() * used.length)] as LoggedDecision);
  return pick.flatMap((d) => d.candidates.map((id) => rowOf(params, d, options.reward, id, false)));
}

/** Largest |Δθ·x| over rows (the offset cancels in a difference). */
export function maxShift(rows: readonly Row[], delta: Float64Array): number {
  let max = 0;
  for (const row of rows) max = Math.max(max, Math.abs(rowLogit({ ...row, offset: 0 }, delta)));
  return max;
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The live model's document with the fitted parameters written in. */
function writeModel(live: Model, id: string, names: readonly string[], theta: Float64Array, used: readonly LoggedDecision[], minDevices: number): Model {
  const model = structuredClone(live) as Model;
  model.id = id;
  model.weights = { ...live.weights };
  const seenBy = new Map<string, Set<string>>();
  for (const d of used) {
    const key = `${d.slot}:${d.variant}`;
    if (!seenBy.has(key)) seenBy.set(key, new Set());
    (seenBy.get(key) as Set<string>).add(d.device);
  }
  names.forEach((name, j) => {
    const value = round(theta[j] as number);
    if (name === 'bias') model.bias = value;
    else if (name.startsWith('w:')) {
      const feature = name.slice(2);
      if (NAME.test(feature)) {
        if (value === 0) delete model.weights[feature];
        else model.weights[feature] = value;
      }
    } else {
      const [kind, slot, cid, ...rest] = splitParam(name);
      if (cid === DEFAULT_ID || !NAME.test(slot) || !CANDIDATE_ID.test(cid)) return;
      let entry = candidateEntry(model, slot, cid);
      if (!entry) {
        if (slot === 'offer' || (seenBy.get(`${slot}:${cid}`)?.size ?? 0) < minDevices) return;
        const list = (model.slots[slot] ??= []);
        if (list.length >= 200) return;
        entry = { id: cid, tags: [] };
        list.push(entry);
      }
      if (kind === 'b') entry.bias = value;
      else {
        const feature = rest.join(':');
        if (!NAME.test(feature)) return;
        const weights = (entry.weights ??= {});
        if (Math.abs(value) < 1e-3) delete weights[feature];
        else weights[feature] = value;
      }
    }
  });
  const checked = parseModel(JSON.stringify(model));
  if (!checked.ok) throw new Error(`trained model is invalid: ${checked.reason}`);
  return checked.model;
}
