/**
 * Explanations: a decision's largest contributions, in plain words such as
 * `long-term affinity for running: +1.2`.
 */
import type { Features } from './feature-vector.js';
import type { CandidateModel, Contribution, Model } from './model-shape.js';
import { hasOwn } from './field.js';
import { weightOf } from './score.js';

/** Phrases for features that are about a candidate; others are cited by their name. */
const PHRASES: Record<string, string> = {
  'match.long': 'long-term affinity for',
  'match.short': 'interest this session in',
  'match.recent': 'what you looked at last:',
  'match.freq': 'how often you choose',
  'match.now': 'how often this visit you chose',
  'match.start': 'on returning, your usual taste for',
  'match.next': 'what usually follows your last views:',
  prior: 'overall popularity of',
  learned: 'your own responses to',
};

/** One contribution with its words; `subject` names what a candidate feature is about. */
export function contribution(feature: string, value: number, subject: string): Contribution {
  const phrase = PHRASES[feature];
  const amount = (value < 0 ? '-' : '+') + Math.abs(value).toFixed(1);
  return { feature, value, text: `${phrase ? phrase + ' ' + subject : feature}: ${amount}` };
}

/** The `limit` largest contributions to a candidate's logit, strongest first. */
export function explain(
  model: Model, candidate: CandidateModel | undefined, visitor: Features, own: Features,
  tag: string | undefined, learnedValue: number, limit = 3,
): Contribution[] {
  const id = candidate?.id ?? 'default';
  // The strongest so far, strongest first; a later one of equal size goes after (as a stable sort would put it).
  const top: Array<[feature: string, value: number, subject: string]> = [];
  const add = (feature: string, value: number, subject: string): void => {
    const size = Math.abs(value);
    if (!(size >= 0.005)) return;
    let at = top.length;
    while (at > 0 && Math.abs((top[at - 1] as [string, number, string])[1]) < size) at--;
    if (at >= limit) return;
    top.splice(at, 0, [feature, value, subject]);
    if (top.length > limit) top.pop();
  };
  add('prior', candidate?.bias ?? 0, id);
  add('learned', learnedValue, id);
  // Own keys only (read in place): a host page may have added enumerable members to Object.prototype.
  for (const name in own) if (hasOwn(own, name)) add(name, weightOf(model, candidate, name) * (own[name] as number), tag ?? id);
  for (const name in visitor) if (hasOwn(visitor, name)) add(name, weightOf(model, candidate, name) * (visitor[name] as number), id);
  // Words only for the few shown, and no list of every feature: a decision over 64 features formatted 60 texts to keep 3.
  return top.map(([feature, value, subject]) => contribution(feature, value, subject));
}
