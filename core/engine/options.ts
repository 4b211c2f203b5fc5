import { LivingDbError } from '../../errors/index.js'
import type { FileSystem } from '../file/index.js'
import type { DurabilityMode } from '../log/commit-record.js'
import { DEFAULT_PAGE_SIZE, pageLimits } from '../codec/limits.js'

/** Options of {@link open}. Every field is optional. */
export interface OpenOptions {
  /** Database directory; omit for an in-memory database (nothing touches disk). */
  readonly path?: string
  /** When a commit resolves (default `strict`): see the README's durability table. */
  readonly durability?: DurabilityMode
  /** Page size of a new database: power of two, 512..65536 (default 4096). Existing files keep theirs. */
  readonly pageSize?: number
  /** Bytes of decoded pages kept in memory (default 64 MiB). */
  readonly cacheBytes?: number
  /** File layer (default: the real one); tests inject faults through it. */
  readonly fs?: FileSystem
  /** Run a background checkpoint once this many bytes of commits were logged since the last one (default 64 MiB). */
  readonly checkpointBytes?: number
  /** ...or this many milliseconds after the first commit since the last one (default 30 000; 0 disables timed checkpoints). */
  readonly checkpointIntervalMs?: number
  /** How many recent versions stay directly readable by `readAt` (default 8); older ones are rebuilt from the log. */
  readonly timeTravelTxns?: number
  /** Which log records to keep after a checkpoint: all (default; the commit stream and time-travel archive) or the last n txns. */
  readonly logRetention?: 'all' | { readonly txns: number }
  /** Commit-log segment size in bytes (default: the log's own, 64 MiB). */
  readonly segmentBytes?: number
  /** fsync period of the `relaxed` mode in ms (default: the log's own, 100). */
  readonly relaxedIntervalMs?: number
}

/** {@link OpenOptions} with every default applied. */
export interface ResolvedOptions {
  readonly path: string | undefined
  readonly durability: DurabilityMode
  readonly pageSize: number
  readonly cacheBytes: number
  readonly fs: FileSystem | undefined
  readonly checkpointBytes: number
  readonly checkpointIntervalMs: number
  readonly timeTravelTxns: number
  readonly logRetention: 'all' | { readonly txns: number }
  readonly segmentBytes: number | undefined
  readonly relaxedIntervalMs: number | undefined
}

function invalid(name: string, expected: string, got: unknown): never {
  throw new LivingDbError('INVALID_ARGUMENT', `Option ${name} must be ${expected}, got ${JSON.stringify(got)}.`, { details: { option: name } })
}

function integer(name: string, value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) invalid(name, `an integer >= ${minimum}`, value)
  return value
}

/** Validates options and applies defaults; `INVALID_ARGUMENT` names the bad option. */
export function resolveOptions(options: OpenOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options)
  const durability = options.durability ?? 'strict'
  if (!['strict', 'group', 'relaxed', 'none'].includes(durability)) invalid('durability', "'strict', 'group', 'relaxed' or 'none'", durability)
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path.length === 0)) invalid('path', 'a non-empty string', options.path)
  const pageSize = integer('pageSize', options.pageSize, DEFAULT_PAGE_SIZE, 512)
  pageLimits(pageSize)
  const retention = options.logRetention ?? 'all'
  if (retention !== 'all' && (typeof retention !== 'object' || !Number.isSafeInteger(retention.txns) || retention.txns < 0)) {
    invalid('logRetention', "'all' or { txns: n } with n >= 0", retention)
  }
  return {
    path: options.path,
    durability,
    pageSize,
    cacheBytes: integer('cacheBytes', options.cacheBytes, 64 * 1024 * 1024, 64 * 1024),
    fs: options.fs,
    checkpointBytes: integer('checkpointBytes', options.checkpointBytes, 64 * 1024 * 1024, 1),
    checkpointIntervalMs: integer('checkpointIntervalMs', options.checkpointIntervalMs, 30_000, 0),
    timeTravelTxns: integer('timeTravelTxns', options.timeTravelTxns, 8, 0),
    logRetention: retention,
    segmentBytes: options.segmentBytes === undefined ? undefined : integer('segmentBytes', options.segmentBytes, 0, 4096),
    relaxedIntervalMs: options.relaxedIntervalMs === undefined ? undefined : integer('relaxedIntervalMs', options.relaxedIntervalMs, 0, 1),
  }
}
