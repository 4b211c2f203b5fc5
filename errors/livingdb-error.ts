import type { ErrorCode } from './error-codes.js'

const MARKER = Symbol.for('livingdb.error')

/** Options accepted by {@link LivingDbError}. */
export interface LivingDbErrorOptions {
  readonly cause?: unknown
  /** Extra machine-readable facts (file, offset, limits...). Plain JSON only. */
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * The base class of every error livingdb throws on purpose.
 *
 * Match on `code`, not on the message. Use {@link LivingDbError.isInstance}
 * rather than `instanceof`: it also works across worker threads and duplicate
 * installs of the package.
 *
 * @example
 * try { await open({ path }) } catch (error) {
 *   if (LivingDbError.isInstance(error) && error.code === 'DB_LOCKED') console.error(error.message)
 * }
 */
export class LivingDbError extends Error {
  readonly code: ErrorCode
  readonly details: Readonly<Record<string, unknown>>
  private readonly [MARKER] = true

  constructor(code: ErrorCode, message: string, options: LivingDbErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LivingDbError'
    this.code = code
    this.details = options.details ?? {}
  }

  /** True for any livingdb error, even one created by another copy of the package. */
  static isInstance(value: unknown): value is LivingDbError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
  }

  /** A plain JSON form, safe to send across a worker boundary or print with `--json`. */
  toJSON(): { name: string; code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/** Errors raised by the storage engine (`core/`). */
export class StorageError extends LivingDbError {
  constructor(code: ErrorCode, message: string, options?: LivingDbErrorOptions) {
    super(code, message, options)
    this.name = 'StorageError'
  }
}

/** Errors raised when stored bytes fail a checksum or decode. */
export class CorruptionError extends StorageError {
  constructor(code: ErrorCode, message: string, options?: LivingDbErrorOptions) {
    super(code, message, options)
    this.name = 'CorruptionError'
  }
}
