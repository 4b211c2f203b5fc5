import { LivingDbError, type LivingDbErrorOptions } from '../../errors/index.js'

/** The codes a failed provider call can carry. */
export type ModelCallErrorCode =
  | 'MODEL_CALL_FAILED'
  | 'MODEL_AUTH_FAILED'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_TIMEOUT'
  | 'MODEL_ABORTED'

/** Facts about a failed call; all plain JSON so the error survives a worker boundary. */
export interface ModelCallErrorOptions extends LivingDbErrorOptions {
  readonly provider: string
  readonly modelId: string
  /** True when the same call may succeed later (429, 5xx, timeouts, dropped connections). */
  readonly isRetryable: boolean
  /** HTTP status, when the provider answered. */
  readonly statusCode?: number
  /** How long the provider asked us to wait (from `retry-after-ms` / `Retry-After`). */
  readonly retryAfterMs?: number
}

/**
 * A language or embedding model call failed. Providers map every failure of their
 * client to this class; guards (rate limit, routing) decide on `isRetryable` and
 * `retryAfterMs` without knowing which provider failed.
 *
 * @example
 * try { await generateText({ model, prompt }) } catch (error) {
 *   if (ModelCallError.isModelCallError(error) && error.isRetryable) scheduleRetry(error.retryAfterMs)
 * }
 */
export class ModelCallError extends LivingDbError {
  override readonly code: ModelCallErrorCode
  readonly provider: string
  readonly modelId: string
  readonly isRetryable: boolean
  readonly statusCode: number | undefined
  readonly retryAfterMs: number | undefined

  constructor(code: ModelCallErrorCode, message: string, options: ModelCallErrorOptions) {
    super(code, message, {
      cause: options.cause,
      details: {
        ...options.details,
        provider: options.provider,
        modelId: options.modelId,
        isRetryable: options.isRetryable,
        ...(options.statusCode === undefined ? {} : { statusCode: options.statusCode }),
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      },
    })
    this.name = 'ModelCallError'
    this.code = code
    this.provider = options.provider
    this.modelId = options.modelId
    this.isRetryable = options.isRetryable
    this.statusCode = options.statusCode
    this.retryAfterMs = options.retryAfterMs
  }

  /**
   * True for a model-call error, even one re-created from JSON on the other side of
   * a worker boundary (checks the code and the `isRetryable` detail, not the class).
   */
  static isModelCallError(value: unknown): value is LivingDbError & { readonly isRetryable: boolean; readonly retryAfterMs?: number } {
    return LivingDbError.isInstance(value) && typeof (value as { isRetryable?: unknown }).isRetryable === 'boolean'
  }
}
