/**
 * Synthetic logged decisions for the learning tests: visitors with a context
 * feature and a match feature per candidate, decided by a logging model with
 * Thompson exploration (probabilities by server/learn/policy), rewarded from a
 * known true click model.
 */
import type { DecisionRecord } from '../../src/core/decision-record.js';
import type { Model } from '../../src/core/model.js';
import { BUILTIN_MODEL, dict } from '../../src/core/model.js';
import type { LoggedDecision } from '../../server/store/decision-log-store.js';
import { prng } from '../../src/core/random.js';
import { LEARN_SD, choiceProbabilities, replay } from '../../server/learn/policy.js';

/** The logging model: the built-in one with three declared hero candidates and wide exploration. */
export function loggingModel(noise = 1): Model {
  return {
    ...BUILTIN_MODEL,
    id: 'log-1',
    explore: { prior: 20, noise },
    slots: dict([['hero', [{ id: 'a', tags: ['a'] }, { id: 'b', tags: ['b'] }, { id: 'c', tags: ['c'] }]]]),
  };
}

/** True click logits: `b` is best on mobile, `a` on desktop; matches help; the default clicks rarely. */
export function trueLogit(id: string, mobile: number, match: number): number {
  if (id === 'default') return -3;
  const base = id === 'a' ? -1.2 : id === 'b' ? -1.6 : -2.2;
  const ctx = id === 'b' ? 1.2 * mobile : id === 'a' ? -0.8 * mobile : 0;
  return base + ctx + 1.5 * match;
}

/** Options of {@link synthesize}. */
export interface SynthOptions {
  devices: number;
  perDevice: number;
  seed: number;
  model?: Model;
  start?: number;
  /** Device id prefix. */
  prefix?: string;
}

/** Logged decisions of `devices` visitors under the logging model. */
export function synthesize(options: SynthOptions): LoggedDecision[] {
  const random = prng(options.seed);
  const model = options.model ?? loggingModel();
  const out: LoggedDecision[] = [];
  const start = options.start ?? 1_700_000_000_000;
  for (let v = 0; v < options.devices; v++) {
    const device = `${options.prefix ?? 'd'}${v}`;
    const mobile = random() < 0.5 ? 1 : 0;
    const taste = Math.floor(random() * 3);
    for (let k = 0; k < options.perDevice; k++) {
      const f: Record<string, number> = { 'ctx.returning': k > 0 ? 1 : 0 };
      if (mobile) f['ctx.mobile'] = 1;
      else f['ctx.desktop'] = 1;
      const cf: Record<string, Record<string, number>> = { default: { [LEARN_SD]: model.explore.noise } };
      ['a', 'b', 'c'].forEach((id, i) => {
        const match = i === taste ? 0.6 + 0.4 * random() : 0.2 * random();
        cf[id] = { 'match.long': Math.round(match * 1000) / 1000, [LEARN_SD]: model.explore.noise };
      });
      const record: DecisionRecord = {
        id: `${device}-${k}`, t: start + v * 1000 + k, slot: 'hero', model: model.id, group: 'personalized',
        variant: 'default', candidates: ['default', 'a', 'b', 'c'], p: 1, pm: 'exact', f, cf,
      };
      const scored = replay(model, record);
      const probs = choiceProbabilities(scored);
      let u = random();
      let chosen = probs.length - 1;
      for (let i = 0; i < probs.length; i++) {
        u -= probs[i] as number;
        if (u < 0) {
          chosen = i;
          break;
        }
      }
      record.variant = (scored[chosen] as { id: string }).id;
      record.p = probs[chosen] as number;
      const match = record.cf[record.variant]?.['match.long'] ?? 0;
      const clicked = random() < 1 / (1 + Math.exp(-trueLogit(record.variant, mobile, match)));
      out.push({
        ...record, device, receivedAt: start + v * 1000 + k,
        outcomes: clicked ? [{ id: `${record.id}-k`, d: record.id, k: 'click', t: record.t + 1 }] : [],
      });
    }
  }
  return out;
}

/**
 * The true click rate of a model's policy on the contexts of some decisions
 * (expected, not sampled); `loggedNoise` is the noise the records' draw spreads were logged under.
 */
export function trueValue(model: Model, decisions: readonly LoggedDecision[], loggedNoise = 1): number {
  let total = 0;
  for (const d of decisions) {
    const scored = replay(model, d, loggedNoise);
    const probs = choiceProbabilities(scored);
    const mobile = d.f['ctx.mobile'] ?? 0;
    scored.forEach((c, i) => {
      total += (probs[i] as number) / (1 + Math.exp(-trueLogit(c.id, mobile, d.cf[c.id]?.['match.long'] ?? 0)));
    });
  }
  return total / decisions.length;
}
