/**
 * How affinity labels are named: by horizon and dimension, plus the label
 * every item event adds to. The reducer writes them and decisions read them,
 * so both import the names from here instead of one importing the other.
 */

/**
 * Horizons of affinity fields: `l` long-term, `s` this session, `r` recent
 * interest, stamped with this device's item-event count (`a.n`) instead of a time.
 */
export type Horizon = 'l' | 's' | 'r';

/** Affinity dimensions. */
export type Dimension = 'cat' | 'brand' | 'price' | 'tag';

/** Affinity label (`a.<horizon>.ev:n`) that every item event adds its weight to, for per-event frequencies. */
export const EVENTS_LABEL = 'ev:n';
