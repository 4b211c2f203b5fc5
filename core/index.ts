/**
 * The livingdb storage engine: pages, copy-on-write B+trees, MVCC, the commit
 * log, checkpoints and recovery. See docs/core.md and spec/core/.
 */
export * from './engine/index.js'
export type { Key, Value, JsonValue } from './codec/index.js'
export { MAX_VALUE_BYTES, MIN_PAGE_SIZE, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, pageLimits, type PageLimits } from './codec/index.js'
export type { DurabilityMode } from './log/index.js'
export type { FileSystem, FileHandle } from './file/index.js'
