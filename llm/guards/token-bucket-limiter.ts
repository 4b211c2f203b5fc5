import type { GuardClock } from './guard-clock.js'
import { GuardError } from './guard-error.js'

/** Rates for one provider:model. A missing rate is not limited. */
export interface RateLimit {
  readonly requestsPerMinute?: number
  readonly tokensPerMinute?: number
  /** Requests that may start at once after a quiet period (bucket capacity; default `requestsPerMinute`). */
  readonly burstRequests?: number
  /** Tokens that may be spent at once after a quiet period (default `tokensPerMinute`). */
  readonly burstTokens?: number
}

interface Bucket {
  readonly capacity: number
  readonly perMs: number
  level: number
}

interface Waiter {
  readonly tokens: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

/**
 * Token buckets on requests and tokens for one provider:model, with a bounded FIFO
 * wait queue. Grants are strictly in arrival order: a caller never overtakes one
 * already waiting. Over any interval of length t, at most `capacity + rate × t`
 * requests (and tokens, counted by estimate and corrected by `settle`) are granted.
 */
export class TokenBucketLimiter {
  readonly #requests: Bucket | undefined
  readonly #tokens: Bucket | undefined
  readonly #queue: Waiter[] = []
  readonly #maxQueue: number
  readonly #clock: GuardClock
  #updatedAt: number
  #blockedUntil = 0
  #pumping = false

  constructor(args: { readonly limit: RateLimit; readonly maxQueue: number; readonly clock: GuardClock }) {
    const { limit } = args
    this.#clock = args.clock
    this.#maxQueue = args.maxQueue
    this.#updatedAt = args.clock.now()
    this.#requests = bucket(limit.requestsPerMinute, limit.burstRequests)
    this.#tokens = bucket(limit.tokensPerMinute, limit.burstTokens)
  }

  /** Callers waiting for capacity. */
  get queueLength(): number {
    return this.#queue.length
  }

  /**
   * Takes one request and `tokens` tokens; returns `undefined` when granted at once,
   * else a promise that resolves when granted (in FIFO order). Throws
   * `RATE_LIMIT_QUEUE_FULL` when the queue is full, `MODEL_ABORTED` on abort.
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> | undefined {
    this.#refill()
    if (this.#queue.length === 0 && this.#fits(tokens)) {
      this.#take(tokens)
      return undefined
    }
    if (this.#queue.length >= this.#maxQueue) {
      throw new GuardError(
        'RATE_LIMIT_QUEUE_FULL',
        `The rate limiter queue is full (${this.#maxQueue} calls waiting). Send fewer calls at once, raise maxQueue, or raise the rate limits if your provider tier allows it.`,
        { isRetryable: true, details: { maxQueue: this.#maxQueue } },
      )
    }
    if (signal?.aborted === true) throw aborted()
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tokens, resolve, reject, signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter)
          if (index >= 0) this.#queue.splice(index, 1)
          reject(aborted())
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#queue.push(waiter)
      void this.#pump()
    })
  }

  /** Corrects the token bucket once the real usage is known (refund or debt). */
  settle(estimatedTokens: number, actualTokens: number): void {
    if (this.#tokens === undefined) return
    this.#refill()
    this.#tokens.level = Math.min(this.#tokens.capacity, this.#tokens.level + estimatedTokens - actualTokens)
  }

  /** Grants nothing until `until` (a provider said Retry-After: everyone waits). */
  pauseUntil(until: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, until)
  }

  #fits(tokens: number): boolean {
    if (this.#clock.now() < this.#blockedUntil) return false
    if (this.#requests !== undefined && this.#requests.level < 1) return false
    // A call larger than the whole bucket may start once the bucket is full (it goes into debt).
    if (this.#tokens !== undefined && this.#tokens.level < Math.min(tokens, this.#tokens.capacity)) return false
    return true
  }

  #take(tokens: number): void {
    if (this.#requests !== undefined) this.#requests.level -= 1
    if (this.#tokens !== undefined) this.#tokens.level -= tokens
  }

  #refill(): void {
    const now = this.#clock.now()
    const elapsed = now - this.#updatedAt
    if (elapsed <= 0) return
    this.#updatedAt = now
    for (const current of [this.#requests, this.#tokens]) {
      if (current !== undefined) current.level = Math.min(current.capacity, current.level + elapsed * current.perMs)
    }
  }

  #waitMs(tokens: number): number {
    const now = this.#clock.now()
    let wait = Math.max(0, this.#blockedUntil - now)
    if (this.#requests !== undefined && this.#requests.level < 1) wait = Math.max(wait, (1 - this.#requests.level) / this.#requests.perMs)
    if (this.#tokens !== undefined) {
      const need = Math.min(tokens, this.#tokens.capacity)
      if (this.#tokens.level < need) wait = Math.max(wait, (need - this.#tokens.level) / this.#tokens.perMs)
    }
    return Math.max(1, Math.ceil(wait))
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        this.#refill()
        const head = this.#queue[0]!
        if (this.#fits(head.tokens)) {
          this.#take(head.tokens)
          this.#queue.shift()
          head.signal?.removeEventListener('abort', head.onAbort)
          head.resolve()
          continue
        }
        await this.#clock.sleep(this.#waitMs(head.tokens))
      }
    } catch (error) {
      for (const waiter of this.#queue.splice(0)) waiter.reject(error)
    } finally {
      this.#pumping = false
    }
  }
}

function bucket(perMinute: number | undefined, burst: number | undefined): Bucket | undefined {
  if (perMinute === undefined || !Number.isFinite(perMinute)) return undefined
  const capacity = Math.max(1, burst ?? perMinute)
  return { capacity, perMs: perMinute / 60_000, level: capacity }
}

/** The error thrown when the caller's abort signal fires while a guard waits. */
export function aborted(): GuardError {
  return new GuardError('MODEL_ABORTED', 'The call was aborted by its caller while waiting for the rate limiter or a retry.', { isRetryable: false })
}
