import { LivingDbError } from '../../errors/index.js'
import type { ModelMiddleware } from '../spec/index.js'
import { withCallFacts } from './call-facts.js'
import { systemClock, type GuardClock } from './guard-clock.js'
import { isRetryableError, retryAfterOf } from './guard-error.js'
import { embedCharacters, inputCharacters } from './request-size.js'
import { aborted, TokenBucketLimiter, type RateLimit } from './token-bucket-limiter.js'

/**
 * Local limits by `provider:model`, `provider:*` or `*` (most specific wins).
 * Conservative first-tier defaults for the hosted providers; local ones are unlimited.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = Object.freeze({
  'openai:*': { requestsPerMinute: 500, tokensPerMinute: 200_000 },
  'anthropic:*': { requestsPerMinute: 50, tokensPerMinute: 40_000 },
})

/**
 * The limiters shared by every guard that uses this registry, one per provider:model.
 * The first guard to touch a provider:model fixes its limits.
 */
export class RateLimitRegistry {
  readonly #limiters = new Map<string, TokenBucketLimiter | null>()

  /** The limiter for `id` (`provider:model`), created by `create` on first use; `null` = unlimited. */
  limiterFor(id: string, create: () => TokenBucketLimiter | null): TokenBucketLimiter | null {
    let limiter = this.#limiters.get(id)
    if (limiter === undefined) {
      limiter = create()
      this.#limiters.set(id, limiter)
    }
    return limiter
  }
}

/** The registry guards share unless given their own (one per process). */
export const sharedRateLimitRegistry = new RateLimitRegistry()

/** Reported through `onRetry` before each wait. */
export interface RetryEvent {
  readonly provider: string
  readonly modelId: string
  /** The attempt that failed (1-based). */
  readonly attempt: number
  readonly delayMs: number
  readonly error: unknown
}

/** Options of {@link createRateLimitGuard}. */
export interface RateLimitGuardOptions {
  /** Limits merged over {@link DEFAULT_RATE_LIMITS}. */
  readonly limits?: Readonly<Record<string, RateLimit>>
  /** Calls allowed to wait per provider:model before `RATE_LIMIT_QUEUE_FULL` (default 1000). */
  readonly maxQueue?: number
  /** Attempts per call, including the first (default 4). */
  readonly maxAttempts?: number
  /** Backoff base (default 500 ms): attempt n waits random() × min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  readonly baseDelayMs?: number
  readonly maxDelayMs?: number
  /** A provider asking to wait longer than this (default 60 s) fails the call instead. */
  readonly maxRetryAfterMs?: number
  /** Output tokens assumed when a request sets no `maxOutputTokens` (default 1024). */
  readonly defaultMaxOutputTokens?: number
  readonly registry?: RateLimitRegistry
  readonly clock?: GuardClock
  /** Uniform [0, 1) source for jitter (default Math.random). */
  readonly random?: () => number
  readonly onRetry?: (event: RetryEvent) => void
}

/**
 * The rate-limit guard: token buckets on requests and tokens per provider:model,
 * shared by all callers through a registry, with a bounded FIFO wait queue; failures
 * with `isRetryable: true` (429, 503, timeouts) are retried with exponential backoff
 * and full jitter, never sooner than the error's `retryAfterMs` (which also pauses the
 * shared bucket, so other callers back off too). Non-retryable errors pass through.
 *
 * @example
 * createRateLimitGuard({ limits: { 'openai:gpt-4.1-mini': { requestsPerMinute: 3_000, tokensPerMinute: 1_000_000 } }, maxAttempts: 5 })
 */
export function createRateLimitGuard(options: RateLimitGuardOptions = {}): ModelMiddleware {
  const limits: Readonly<Record<string, RateLimit>> = { ...DEFAULT_RATE_LIMITS, ...options.limits }
  for (const [id, limit] of Object.entries(limits)) validateLimit(id, limit)
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const registry = options.registry ?? sharedRateLimitRegistry
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? 4)
  const maxQueue = options.maxQueue ?? 1000
  if (!Number.isInteger(maxQueue) || maxQueue < 0) positive('maxQueue', maxQueue)
  const baseDelayMs = options.baseDelayMs ?? 500
  const maxDelayMs = options.maxDelayMs ?? 30_000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024

  function limiterFor(provider: string, modelId: string): TokenBucketLimiter | null {
    const id = `${provider}:${modelId}`
    return registry.limiterFor(id, () => {
      const limit = limits[id] ?? limits[`${provider}:*`] ?? limits['*']
      return limit === undefined ? null : new TokenBucketLimiter({ limit, maxQueue, clock })
    })
  }

  async function withRetries<Result>(args: {
    readonly provider: string
    readonly modelId: string
    readonly estimate: number
    readonly signal: AbortSignal | undefined
    readonly call: () => Promise<Result>
    readonly tokensOf: (result: Result) => number
    readonly setAttempts: (attempts: number) => void
  }): Promise<Result> {
    const limiter = limiterFor(args.provider, args.modelId)
    for (let attempt = 1; ; attempt++) {
      const waiting = limiter?.acquire(args.estimate, args.signal)
      if (waiting !== undefined) await waiting
      args.setAttempts(attempt)
      try {
        const result = await args.call()
        limiter?.settle(args.estimate, args.tokensOf(result))
        return result
      } catch (error) {
        limiter?.settle(args.estimate, 0)
        const retryAfterMs = retryAfterOf(error)
        if (!isRetryableError(error) || attempt >= maxAttempts || args.signal?.aborted === true) throw error
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error
        if (retryAfterMs !== undefined) limiter?.pauseUntil(clock.now() + retryAfterMs)
        const backoffMs = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
        const delayMs = Math.max(retryAfterMs ?? 0, backoffMs)
        options.onRetry?.({ provider: args.provider, modelId: args.modelId, attempt, delayMs, error })
        try {
          await clock.sleep(delayMs, args.signal)
        } catch (sleepError) {
          if (isAborted(args.signal)) throw aborted()
          throw sleepError
        }
      }
    }
  }

  return {
    name: 'rate-limit',
    async wrapGenerate({ request, model, next }) {
      const { request: tracked, facts } = withCallFacts(request)
      return withRetries({
        provider: model.provider, modelId: model.modelId, signal: tracked.abortSignal,
        estimate: Math.ceil((facts.inputCharacters ??= inputCharacters(tracked)) / 4) + (tracked.maxOutputTokens ?? defaultMaxOutputTokens),
        call: () => next(tracked),
        tokensOf: (result) => result.usage.inputTokens + result.usage.outputTokens,
        setAttempts: (attempts) => { facts.attempts = attempts },
      })
    },
    async wrapEmbed({ request, model, next }) {
      const { request: tracked, facts } = withCallFacts(request)
      return withRetries({
        provider: model.provider, modelId: model.modelId, signal: tracked.abortSignal,
        estimate: Math.ceil(embedCharacters(tracked.values) / 4),
        call: () => next(tracked),
        tokensOf: (result) => result.usage.inputTokens,
        setAttempts: (attempts) => { facts.attempts = attempts },
      })
    },
  }
}

/** Read through a function so the check is not narrowed away across an await. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

function validateLimit(id: string, limit: RateLimit): void {
  for (const [name, value] of Object.entries(limit)) {
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw new LivingDbError('INVALID_ARGUMENT', `Rate limit "${id}".${name} must be a positive number (got ${String(value)}); leave it out for no limit.`, { details: { id, name } })
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new LivingDbError('INVALID_ARGUMENT', `Rate-limit option ${name} must be a positive integer (got ${String(value)}).`, { details: { name } })
  }
  return value
}
