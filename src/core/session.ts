/**
 * The session timeout on its own: the reducer starts a new session after it,
 * and a decision treats a visit as over after it, so both must read one number.
 */

/** Inactivity that ends a session (30 minutes), ms: the default of `ProfileOptions.sessionTimeoutMs`. */
export const SESSION_TIMEOUT_MS = 30 * 60_000;
