/**
 * One training run against the store: read the decision log window, hold
 * back a hashed share of devices, train on the rest from the live model,
 * compare the new model with the live one off-policy on the held-back
 * devices, store the new version with its evaluation, and promote it only
 * when it is better with confidence (the lower end of the 95 % interval of
 * the paired doubly robust difference is above 0).
 */
import { unitHash } from '../../src/core/random.js';
import type { DecisionLogStore, LoggedDecision } from '../store/decision-log-store.js';
import type { LearningStore } from './learning-store.js';
import { type Evaluation, evaluate } from './ope.js';
import { documentOf, liveVersion } from './registry.js';
import { DEFAULT_TRAIN, type TrainOptions, type TrainStats, train } from './trainer.js';

/** Settings of a training run (docs/learning.md). */
export interface TrainingRunOptions {
  /** How far back the log is read, ms. */
  windowMs: number;
  /** Share of devices (by hash) held back from training for the evaluation. */
  heldBackShare: number;
  /** 1 − confidence of the evaluation's intervals. */
  alpha: number;
  /** Fewest personalized decisions to train at all. */
  minDecisions: number;
  /** The model file seeding version 1 when the registry is empty. */
  modelFile?: string;
  train: TrainOptions;
}

/** Defaults: four weeks, 20 % of devices held back, 95 % intervals. */
export const DEFAULT_TRAINING_RUN: TrainingRunOptions = {
  windowMs: 28 * 86_400_000,
  heldBackShare: 0.2,
  alpha: 0.05,
  minDecisions: 200,
  train: DEFAULT_TRAIN,
};

/** What a run did. */
export interface TrainingRunResult {
  /** The live version before the run. */
  parent: number;
  /** The stored new version (absent when there was too little data). */
  version?: number;
  promoted: boolean;
  /** Why it was or was not promoted. */
  reason: string;
  /** The live version after the run. */
  live: number;
  stats?: TrainStats;
  evaluation?: Evaluation;
  /** Wall time of the whole run (read, train, evaluate, store), ms. */
  ms: number;
}

/** True when a device's decisions are held back for evaluation. */
export function heldBack(device: string, share: number): boolean {
  return unitHash('heldback:' + device) < share;
}

/** Reads every decision received in `[since, until)`, page by page. */
export async function readWindow(store: DecisionLogStore, since: number, until: number, page = 5000): Promise<LoggedDecision[]> {
  const out: LoggedDecision[] = [];
  let after: string | undefined;
  do {
    const { rows, next } = await store.scanDecisions({ since, until, limit: page, ...(after === undefined ? {} : { after }) });
    for (const row of rows) out.push(row);
    after = next;
  } while (after !== undefined);
  return out;
}

/** Runs one training (see the module comment). */
export async function runTraining(store: LearningStore, options: TrainingRunOptions, now: number): Promise<TrainingRunResult> {
  const started = performance.now();
  const liveRow = await liveVersion(store, options.modelFile, now);
  const live = documentOf(liveRow);
  const since = now - options.windowMs;
  const decisions = await readWindow(store, since, now);
  const personalized = decisions.filter((d) => d.group === 'personalized');
  const done = (partial: Omit<TrainingRunResult, 'ms' | 'parent'>): TrainingRunResult => ({ parent: liveRow.version, ...partial, ms: performance.now() - started });
  if (personalized.length < options.minDecisions) {
    return done({ promoted: false, reason: `too few personalized decisions (${personalized.length} < ${options.minDecisions})`, live: liveRow.version });
  }
  const trainSet = decisions.filter((d) => !heldBack(d.device, options.heldBackShare));
  const evalSet = decisions.filter((d) => heldBack(d.device, options.heldBackShare));
  const { model, stats } = train(trainSet, { live, id: `trained-${now.toString(36)}`, until: now }, options.train);
  const evaluation = evaluate(model, live, evalSet, { reward: options.train.reward, alpha: options.alpha });
  const version = await store.addModelVersion({
    modelId: model.id,
    document: JSON.stringify(model),
    createdAt: now,
    source: { kind: 'trainer', since, until: now, decisions: stats.used, devices: stats.devices, parent: liveRow.version },
    evaluation: JSON.stringify(evaluation),
  });
  const d = evaluation.difference;
  const summary = `doubly robust ${options.train.reward} rate difference ${d.estimate.toFixed(4)} [${d.low.toFixed(4)}, ${d.high.toFixed(4)}] on ${evaluation.decisions} held-back decisions`;
  if (!evaluation.better) return done({ version, promoted: false, reason: `not better with confidence: ${summary}`, live: liveRow.version, stats, evaluation });
  await store.promote(version, now, `trainer: better with confidence (${summary})`);
  return done({ version, promoted: true, reason: `better with confidence: ${summary}`, live: version, stats, evaluation });
}
