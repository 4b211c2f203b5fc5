import { LivingDbError, type ErrorCode, type LivingDbErrorOptions } from '../../errors/index.js'

/**
 * An error raised by a guard itself (budget refused, ledger miss, queue full).
 * Like provider errors it carries `isRetryable`, so routing and retry logic treat
 * every model-call failure the same way.
 */
export class GuardError extends LivingDbError {
  /** True when the same call may succeed later or on another model (a full rate-limit queue). */
  readonly isRetryable: boolean

  constructor(code: ErrorCode, message: string, options: LivingDbErrorOptions & { readonly isRetryable?: boolean } = {}) {
    super(code, message, options)
    this.name = 'GuardError'
    this.isRetryable = options.isRetryable ?? false
  }
}

/** True when `error` says the same call may succeed later (`isRetryable: true`, any error class). */
export function isRetryableError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isRetryable?: unknown }).isRetryable === true
}

/** The wait a failed call asked for (`retryAfterMs` on the error or in its details), if any. */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const direct = (error as { retryAfterMs?: unknown }).retryAfterMs
  const detail = (error as { details?: { retryAfterMs?: unknown } }).details?.retryAfterMs
  const value = typeof direct === 'number' ? direct : typeof detail === 'number' ? detail : undefined
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
}

/** The stable code of an error, or 'UNKNOWN' for errors that have none. */
export function errorCodeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : 'UNKNOWN'
}
