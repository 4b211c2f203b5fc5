/**
 * livingdb: an embedded, plugin-first living database for TypeScript.
 *
 * @example
 * import { open } from 'livingdb'
 * const db = await open({ path: './data', durability: 'strict' })
 * await db.put('notes/1', { text: 'hi' })
 */
export * from './core/index.js'
export { LivingDbError, StorageError, CorruptionError, ERROR_CODES, type ErrorCode } from './errors/index.js'
