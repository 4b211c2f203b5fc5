import { LivingDbError } from '../errors/index.js'

/** Per-token request limits: a token bucket refilled at `requestsPerSecond`, holding at most `burst` requests. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number
  readonly burst: number
}

/** The default limit of each token: 20 requests a second on average, bursts of 40. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { requestsPerSecond: 20, burst: 40 }

/** The outcome of {@link RateLimiter.take}. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * Token buckets keyed by API token id. Memory is bounded by the number of
 * tokens (buckets that refilled completely are dropped on the next sweep).
 *
 * @example
 * const limiter = new RateLimiter({ limit: { requestsPerSecond: 5, burst: 10 } })
 * const decision = limiter.take('tok_0123456789ab')
 * if (!decision.allowed) response.setHeader('Retry-After', decision.retryAfterSeconds)
 */
export class RateLimiter {
  readonly #limit: RateLimitOptions
  readonly #now: () => number
  readonly #buckets = new Map<string, Bucket>()

  constructor(args: { readonly limit: RateLimitOptions; readonly now?: () => number }) {
    const { requestsPerSecond, burst } = args.limit
    if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0) || !(Number.isSafeInteger(burst) && burst >= 1)) {
      throw new LivingDbError('INVALID_ARGUMENT', `A rate limit needs requestsPerSecond > 0 and an integer burst >= 1, got ${JSON.stringify(args.limit)}.`, { details: { ...args.limit } })
    }
    this.#limit = args.limit
    this.#now = args.now ?? Date.now
  }

  /** Takes one request from `key`'s bucket, or says how many seconds until one is available. */
  take(key: string): RateDecision {
    const now = this.#now()
    const { requestsPerSecond, burst } = this.#limit
    if (this.#buckets.size > 10_000) this.#sweep(now)
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedAt: now }
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * requestsPerSecond)
    bucket.updatedAt = now
    this.#buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / requestsPerSecond)) }
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#limit.requestsPerSecond >= this.#limit.burst) this.#buckets.delete(key)
    }
  }
}
