/**
 * Ids that markup, the model and the profile share. Kept apart from the
 * model so the profile can check a slot id without importing the scorer.
 */

/** Ids of variants and offers, as markup allows them. */
export const CANDIDATE_ID = /^[\w-]{1,64}$/;
