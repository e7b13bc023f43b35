/**
 * Explanations: a decision's largest contributions, in plain words such as
 * `long-term affinity for running: +1.2`.
 */
import type { Features } from './features.js';
import { type CandidateModel, type Contribution, type Model, weightOf } from '../../../../src/core/model.js';

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
  const list: Contribution[] = [];
  const add = (feature: string, value: number, subject: string): void => {
    if (Math.abs(value) >= 0.005) list.push(contribution(feature, value, subject));
  };
  add('prior', candidate?.bias ?? 0, id);
  add('learned', learnedValue, id);
  // Own keys only: a host page may have added enumerable members to Object.prototype.
  for (const name of Object.keys(own)) add(name, weightOf(model, candidate, name) * (own[name] as number), tag ?? id);
  for (const name of Object.keys(visitor)) add(name, weightOf(model, candidate, name) * (visitor[name] as number), id);
  return list.sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, limit);
}
