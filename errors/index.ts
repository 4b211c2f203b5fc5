export { ERROR_CODES, type ErrorCode } from './error-codes.js'
export { LivingDbError, StorageError, CorruptionError, type LivingDbErrorOptions } from './livingdb-error.js'
