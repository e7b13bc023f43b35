/**
 * What to do after an answer, and how long to wait before a retry.
 * Pure: the sender supplies the clock and the random source.
 */

/** First retry delay, ms; doubles per attempt. */
export const RETRY_BASE_MS = 1000;
/** Longest retry delay, ms (also the cap on a server's `Retry-After`). */
export const RETRY_MAX_MS = 300_000;

/** `ok`: delivered; `retry`: keep the batch and try later; `drop`: the batch can never succeed. */
export type Verdict = 'ok' | 'retry' | 'drop';

/** Network errors (status 0), other statuses below 200, 408, 429 and 5xx retry; other 4xx (and 3xx) drop; 2xx is delivered. */
export function verdictFor(status: number): Verdict {
  // `status < 200` → `<= 200` is an equivalent mutant: 200 returned above.
  return status >= 200 && status < 300 ? 'ok' : status < 200 || status >= 500 || status === 408 || status === 429 ? 'retry' : 'drop';
}

/** Reads `Retry-After` (seconds or an HTTP date) as ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * Delay before retry number `attempt` (1, 2, …): exponential from
 * {@link RETRY_BASE_MS}, capped at {@link RETRY_MAX_MS}, with "equal jitter"
 * (half fixed, half random) so tabs and visitors do not retry in step; never
 * sooner than the server's `Retry-After`.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random: number): number {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 20));
  const jittered = ceiling / 2 + (random * ceiling) / 2;
  return Math.min(RETRY_MAX_MS, Math.max(jittered, retryAfterMs ?? 0));
}
