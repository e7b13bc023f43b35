/**
 * Building the decision log's records (contract: src/core/decision-record.ts)
 * from a decision: pure, so the client's second stage, the trainer and the
 * simulator share it.
 *
 * `cf[candidate]` holds the candidate's own features plus its learned term
 * (`learn.mean`) and the spread of its exploration draw (`learn.sd`), so a
 * record alone lets a trainer recompute the propensity under any model
 * ({@link recordArms}): each candidate's draw is centred on
 * `logit(model, candidate, f, own) + learn.mean` with spread `learn.sd`.
 *
 * Bounds: at most {@link MAX_LOGGED_CANDIDATES} candidates (beyond that the
 * chosen one and those with the highest means are kept — the cut ones had the
 * least chance — while `p` stays computed over all of them) and at most
 * {@link MAX_LOGGED_FEATURES} visitor features (the largest in magnitude,
 * ties by name). Zero features are left out.
 */
import type { Decision } from './decide.js';
import { type DecisionRecord, MAX_LOGGED_CANDIDATES, MAX_LOGGED_FEATURES } from './decision-record.js';
import type { Features } from './features.js';
import { CANDIDATE_ID, type CandidateModel, type Model, dict, logit, slotCandidates } from './model.js';
import { OFFER_SLOT } from './offers.js';
import { PROTOTYPE_KEYS, isFieldKey } from './field.js';
import { type Arm, choiceProbability } from './propensity.js';
import { propensityOf } from './propensity-of.js';

/** Names of the learned term and the draw's spread inside `cf[candidate]`. */
export const LEARN_MEAN = 'learn.mean';
/** See {@link LEARN_MEAN}. */
export const LEARN_SD = 'learn.sd';

/** The smallest `p` a record carries (the contract asks for p > 0; a quadrature result below it is within the error bound). */
export const MIN_LOGGED_P = 1e-12;

/** Non-zero finite entries of `features` named by the profile key grammar, at most `max`, the largest in magnitude first kept (ties by name). */
function sparse(features: Features, max: number): Record<string, number> {
  const list = Object.keys(features)
    .map((name): [string, number] => [name, features[name] as number])
    .filter(([name, x]) => x !== 0 && Number.isFinite(x) && isFieldKey(name));
  if (list.length > max) list.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1)).length = max;
  return dict(list);
}

/**
 * False for a decision whose shown variant is not what its group chose: a slot
 * that kept its default because the decision came after it was revealed
 * (`late`, src/render/page-slots.ts). Logging it as a policy choice would
 * give the default a propensity it never had; such a slot is left out of the log.
 */
export function loggable(decision: Decision): boolean {
  return decision.explanation[0]?.feature !== 'late' && !!decision.inputs;
}

/** A slot, variant or candidate id the collector accepts: `[A-Za-z0-9_-]{1,64}`, no prototype name. */
const isId = (id: string): boolean => CANDIDATE_ID.test(id) && !PROTOTYPE_KEYS.has(id);

/**
 * True when `record` keeps the wire rules the collector checks (docs/protocol.md
 * "Decision log"): ids by the grammar, the chosen variant among unique
 * candidates, `p` in (0, 1]. Markup is the site's own and may break them (a
 * slot named `constructor`, a variant id with spaces, a score that is not a
 * number); such a record is not sent, since the collector would refuse the
 * whole request it travels in.
 */
export function wireValid({ slot, variant, model, candidates, p }: DecisionRecord): boolean {
  return isId(slot) && isId(variant) && /^[\w.:-]{1,64}$/.test(model) && candidates.every(isId) &&
    new Set(candidates).size === candidates.length && candidates.includes(variant) && p > 0 && p <= 1;
}

/**
 * The record of one decision.
 * @param id - a fresh decision id, `[A-Za-z0-9_-]{1,64}`.
 * @param t - client clock when decided, epoch ms.
 */
export function buildDecisionRecord(decision: Decision, id: string, t: number): DecisionRecord {
  const { slot, model, group, variant, inputs } = decision;
  let competed = inputs.competed;
  if (competed.length > MAX_LOGGED_CANDIDATES) {
    const others = competed.filter((c) => c.id !== variant).sort((a, b) => b.mean - a.mean).slice(0, MAX_LOGGED_CANDIDATES - 1);
    const keep = new Set([variant, ...others.map((c) => c.id)]);
    competed = competed.filter((c) => keep.has(c.id));
  }
  // Markup may repeat a variant id: the record names each candidate once (its first entry).
  competed = competed.filter((c, i) => competed.findIndex((x) => x.id === c.id) === i);
  const cf: DecisionRecord['cf'] = dict();
  for (const c of competed) {
    // Room for the two learned entries within the bound.
    const own = (cf[c.id] = sparse(c.own, MAX_LOGGED_FEATURES - 2));
    if (c.learned) own[LEARN_MEAN] = c.learned;
    if (c.sd) own[LEARN_SD] = c.sd;
  }
  const candidates = competed.map((c) => c.id);
  const p = propensityOf(decision).p;
  // A preview of an ineligible variant competed with nothing: the record still names what was shown.
  if (!candidates.includes(variant)) candidates.unshift(variant);
  return {
    id, t, slot, model, group, variant, candidates,
    // NaN (a score that is not a number) stays NaN, and wireValid refuses it; 0 becomes the smallest p.
    p: p >= 0 ? Math.max(MIN_LOGGED_P, p) : NaN, pm: 'exact',
    f: sparse(inputs.features, MAX_LOGGED_FEATURES), cf,
  };
}

/** The model's entry for a logged candidate (bias, weights), or a bare one with no tags. */
function entryOf(model: Model, slot: string, id: string): CandidateModel {
  const list: readonly CandidateModel[] = slot === OFFER_SLOT ? model.offers : slotCandidates(model, slot) ?? [];
  return list.find((c) => c.id === id) ?? { id, tags: [] };
}

/**
 * The draws of a record's candidates under `model`, in the record's order:
 * `logit(model, candidate, f, own) + learn.mean` with spread `learn.sd`.
 * Under the model that decided, these are the arms the policy drew from.
 */
export function recordArms(record: DecisionRecord, model: Model): Arm[] {
  return record.candidates.map((id) => {
    const own = { ...record.cf[id] };
    const mean = own[LEARN_MEAN] ?? 0;
    const sd = own[LEARN_SD] ?? 0;
    delete own[LEARN_MEAN];
    delete own[LEARN_SD];
    return { mean: logit(model, entryOf(model, record.slot, id), record.f, own) + mean, sd };
  });
}

/**
 * The probability that `model` (with the record's learned terms and spreads)
 * would choose the logged variant: the record's `p` when `model` decided it and
 * nothing was cut; a trainer's propensity for another model otherwise.
 * Holdout and preview records are not policy choices (1).
 */
export function recordPropensity(record: DecisionRecord, model: Model): number {
  if (record.group !== 'personalized') return 1;
  return choiceProbability(recordArms(record, model), record.candidates.indexOf(record.variant));
}
