/**
 * A bounded token bucket per key (client IP, device id): each key may spend
 * `burst` requests at once and regains `perMinute` per minute. Memory is
 * bounded by `maxKeys`: when full, the least recently used key is forgotten
 * (it starts again with a full bucket, which errs on the side of the client).
 * Per process: several processes each allow their own share (docs/deploy.md).
 */

/** Limits of one {@link RateLimiter}. */
export interface RateLimit {
  /** Requests regained per minute; 0 disables the limiter. */
  perMinute: number;
  /** Requests that may be spent at once. */
  burst: number;
}

/** What {@link RateLimiter.take} decided. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key, at most `maxKeys` of them. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit, private readonly maxKeys = 100_000, private readonly clock: () => number = Date.now) {}

  /** Spends one request of `key`'s bucket, or says how many seconds until one is available. */
  take(key: string): RateDecision {
    if (this.limit.perMinute <= 0) return { ok: true };
    const now = this.clock();
    const perMs = this.limit.perMinute / 60_000;
    const old = this.buckets.get(key);
    const bucket = old ? { tokens: Math.min(this.limit.burst, old.tokens + (now - old.at) * perMs), at: now } : { tokens: this.limit.burst, at: now };
    // Re-inserting keeps the map in least-recently-used order, so the first key is the one to evict.
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return { ok: true };
  }

  /** Keys currently tracked (tests, metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
