/**
 * Features: named numbers describing the visitor, the moment and how well a
 * candidate fits. Names are stable so model weights and explanations can cite them.
 */
import type { Dimension } from './profile.js';
import type { ProfileView } from './view.js';

/** A sparse, named feature vector. */
export type Features = Record<string, number>;

/** Something a slot can show, described by tags such as `running` or `brand:acme`. */
export interface Candidate {
  /** Variant id, unique within the slot. */
  id: string;
  /** Tags matched against the visitor's affinities. */
  tags: readonly string[];
}

const DIMENSIONS: readonly Dimension[] = ['cat', 'tag', 'brand', 'price'];

/**
 * Share of the visitor's affinity (in one horizon) that a tag captures, 0–1.
 * A bare tag (`running`) matches every dimension; a qualified one (`brand:acme`) only its own.
 */
export function tagShare(view: ProfileView, horizon: 'l' | 's', tag: string): number {
  const colon = tag.indexOf(':');
  const dimensions = colon > 0 ? [tag.slice(0, colon) as Dimension] : DIMENSIONS;
  const value = colon > 0 ? tag.slice(colon + 1) : tag;
  let best = 0;
  for (const dimension of dimensions) {
    const total = view.affinityTotal(horizon, dimension);
    if (total <= 0) continue;
    const share = (view.affinities(horizon).get(`${dimension}:${value}`) ?? 0) / total;
    if (share > best) best = share;
  }
  return best;
}

/** Features of one candidate for one visitor: how strongly its tags match each horizon. */
export function candidateFeatures(view: ProfileView, candidate: Candidate): Features {
  let long = 0;
  let short = 0;
  for (const tag of candidate.tags) {
    long = Math.max(long, tagShare(view, 'l', tag));
    short = Math.max(short, tagShare(view, 's', tag));
  }
  return { 'match.long': long, 'match.short': short };
}
