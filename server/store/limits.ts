/** Most accepted batches every store keeps in its QA log (`received`); older entries are deleted. */
export const RECEIVED_LOG_LIMIT = 1000;

/**
 * How long every store remembers an applied batch id, ms (30 days). A client retries a batch
 * every 5 minutes at most while it is online, so a retry inside the window is a duplicate. A
 * batch resent after it (a browser back after a month offline) is applied again, which changes
 * nothing either: each delta's `s` is not above its key's stored `s`, so the join skips it.
 */
export const BATCH_ID_RETENTION_MS = 30 * 24 * 3600_000;

/**
 * Most expired batch ids one applied batch deletes. Each batch adds one id and removes up to this
 * many expired ones, so the table stays within the window's ids plus what one step leaves, at a
 * bounded cost per batch (an index range on `received_at`), without a timer.
 */
export const BATCH_ID_PRUNE_STEP = 8;
