/**
 * On-device learning: a Thompson-sampling update of each candidate's score
 * from this visitor's own impressions, clicks and conversions (folded into
 * the profile as `b.i.*`, `b.k.*`, `b.v.*` by `apply`).
 *
 * The model predicts how well a candidate fits; the visitor's feedback says
 * how they actually responded to it compared with their other options in the
 * slot. The learned term is the logit of the candidate's smoothed success
 * rate minus the logit of the visitor's overall rate in the slot, so it is 0
 * without feedback, grows with clicks and shrinks with ignored impressions.
 * A seeded normal draw whose spread narrows as impressions accumulate
 * explores candidates the visitor has not seen enough of — once the visitor
 * has feedback in the slot: a visitor who has never seen it has nothing to
 * learn from yet and gets the model's choice (the default when nothing
 * favours another variant), so a first visit is not a random variant.
 */
import type { Model } from './model-shape.js';
import { normalFrom } from './random.js';
import type { DecisionSnapshot } from './snapshot.js';

/** A visitor's feedback on one slot: per variant, impressions and successes. */
export type SlotFeedback = Map<string, { n: number; s: number }>;

/** Reads the feedback counters of one slot from the visitor's snapshot. */
export function slotFeedback(snapshot: DecisionSnapshot, slot: string): SlotFeedback {
  const out: SlotFeedback = new Map();
  for (const key of Object.keys(snapshot.n)) {
    // `b.<kind>.<slot>.<variant>`: impressions (`i`) count as trials, clicks (`k`) and conversions (`v`) as successes.
    // Most counters are not feedback: skip them before cutting a substring out of each.
    if (!key.startsWith('b.')) continue;
    const kind = key[2] as string;
    const rest = key.slice(4);
    if (!'ikv'.includes(kind) || !rest.startsWith(slot + '.')) continue;
    const id = rest.slice(slot.length + 1);
    const entry = out.get(id) ?? { n: 0, s: 0 };
    entry[kind === 'i' ? 'n' : 's'] += snapshot.n[key] as number;
    out.set(id, entry);
  }
  return out;
}

const logOdds = (p: number): number => Math.log(p / (1 - p));

/** What the visitor's own feedback adds to a candidate's logit: its mean, the spread of its Thompson draw, and the draw. */
export interface Learned {
  mean: number;
  /** Standard deviation of the draw around `mean`: `explore.noise`/√(1+n), 0 before any feedback in the slot. */
  sd: number;
  draw: number;
}

/**
 * The learned logit adjustment for one candidate.
 * @param seed - makes the draw reproducible; the same seed gives the same draw.
 */
export function learned(model: Model, feedback: SlotFeedback, id: string, seed: string): Learned {
  let total = 0;
  let wins = 0;
  feedback.forEach((f) => {
    total += Math.max(f.n, f.s);
    wins += f.s;
  });
  const own = feedback.get(id);
  const n = own ? Math.max(own.n, own.s) : 0;
  const base = (wins + 1) / (total + 2);
  const k = model.explore.prior;
  // n > 0 only when `own` exists, so `own?.s` and `own.s` agree here (an equivalent mutant).
  const mean = n ? logOdds(((own?.s ?? 0) + k * base) / (n + k)) - logOdds(base) : 0;
  // No feedback in the slot yet: nothing to explore from (see above).
  const sd = total ? model.explore.noise / Math.sqrt(1 + n) : 0;
  return { mean, sd, draw: sd ? mean + sd * normalFrom(seed) : mean };
}
