import type { Entry, KeyspaceReader, ScanOptions } from '../core/index.js'
import { ARCHIVE_KEYSPACE, ARCHIVE_REFERENCE_FIELD, type ArchiveReference, entryValue, isArchiveReference, type SegmentCache, segmentKey } from './archive-segment.js'
import type { UsageStatistics } from './usage-statistics.js'

/** A snapshot as the engine's `Snapshot` (and `ask`) sees it. */
export interface ReadableSnapshot {
  readonly txnId: number
  readonly timestamp?: number
  keyspace(name: string): KeyspaceReader
  keyspaces?(): string[]
}

/** What a resolving reader needs: where statistics go, the segment cache, and what to do with a cold value that was read. */
export interface ResolveHooks {
  readonly statistics?: UsageStatistics
  readonly segments: SegmentCache
  /** Called with every archived value a reader resolved (the autonomy job promotes them back). */
  readonly onColdRead?: (keyspace: string, key: string) => void
  /** Keyspaces whose reads are counted (default every keyspace except `sys` and autonomy's own). */
  readonly counted?: (keyspace: string) => boolean
}

/** Resolves a stored value against the archive of the same snapshot. */
export function resolveStored(snapshot: Pick<ReadableSnapshot, 'keyspace'>, keyspace: string, key: unknown, value: unknown, hooks: ResolveHooks): unknown {
  if (!isArchiveReference(value)) return value
  const reference = (value as ArchiveReference)[ARCHIVE_REFERENCE_FIELD]
  const entries = hooks.segments.load(reference.segment, () => snapshot.keyspace(ARCHIVE_KEYSPACE).get(segmentKey(reference.segment)))
  const entry = entries[reference.index]
  if (entry === undefined || entry.key !== key || entry.keyspace !== keyspace) return value
  if (typeof key === 'string') hooks.onColdRead?.(keyspace, key)
  return entryValue(entry)
}

/** Whether reads of a keyspace count in the statistics by default: app data, not `sys`, cartridges or the archive. */
export function isCountedKeyspace(keyspace: string): boolean {
  return keyspace !== 'sys' && !keyspace.startsWith('autonomy:') && !keyspace.startsWith('cartridge')
}

/**
 * A keyspace reader that returns archived (tiered) values as they were written, reading
 * the archive at the same snapshot, and counts reads and scans in the usage statistics.
 */
export function resolvingReader(snapshot: ReadableSnapshot, keyspace: string, hooks: ResolveHooks): KeyspaceReader {
  const inner = snapshot.keyspace(keyspace)
  const statistics = (hooks.counted ?? isCountedKeyspace)(keyspace) ? hooks.statistics : undefined
  return {
    get(key) {
      const value = inner.get(key)
      statistics?.recordRead(keyspace, key)
      return value === undefined ? undefined : (resolveStored(snapshot, keyspace, key, value, hooks) as never)
    },
    scan(options?: ScanOptions) {
      return resolvingIterator(snapshot, keyspace, inner.scan(options), hooks, statistics, typeof options?.prefix === 'string' ? options.prefix : typeof options?.gte === 'string' ? options.gte : '')
    },
  }
}

/** Counts and resolves the entries of a scan; archived values are read through `snapshot`. */
export function resolvingIterator(snapshot: Pick<ReadableSnapshot, 'keyspace'>, keyspace: string, entries: IterableIterator<Entry>, hooks: ResolveHooks, statistics: UsageStatistics | undefined, prefix: string): IterableIterator<Entry> {
  return new ResolvingIterator(snapshot, keyspace, entries, hooks, statistics, prefix)
}

/** A plain iterator class (a generator costs a few percent of scan throughput). */
class ResolvingIterator implements IterableIterator<Entry> {
  private rows = 0
  private ended = false

  constructor(private readonly snapshot: Pick<ReadableSnapshot, 'keyspace'>, private readonly keyspace: string, private readonly entries: IterableIterator<Entry>, private readonly hooks: ResolveHooks, private readonly statistics: UsageStatistics | undefined, private readonly prefix: string) {}

  [Symbol.iterator](): this {
    return this
  }

  next(): IteratorResult<Entry> {
    let result: IteratorResult<Entry>
    try {
      result = this.entries.next()
    } catch (error) {
      this.end()
      throw error
    }
    if (result.done === true) {
      this.end()
      return result
    }
    this.rows += 1
    const entry = result.value
    const value = entry.value as unknown
    if (value === null || typeof value !== 'object' || (value as Record<string, unknown>)[ARCHIVE_REFERENCE_FIELD] === undefined) return result
    return { done: false, value: { key: entry.key, value: resolveStored(this.snapshot, this.keyspace, entry.key, value, this.hooks) as never } }
  }

  return(): IteratorResult<Entry> {
    this.entries.return?.()
    this.end()
    return { done: true, value: undefined }
  }

  private end(): void {
    if (this.ended) return
    this.ended = true
    this.statistics?.recordScan(this.keyspace, this.prefix, this.rows)
  }
}

/** A snapshot whose keyspace readers resolve archived values and count accesses. */
export function resolvingSnapshot<S extends ReadableSnapshot>(snapshot: S, hooks: ResolveHooks): S {
  return new Proxy(snapshot, {
    get(target, property, receiver) {
      if (property === 'keyspace') return (name: string) => resolvingReader(target, name, hooks)
      if (property === 'get') return (key: never) => resolvingReader(target, 'default', hooks).get(key)
      if (property === 'scan') return (options?: ScanOptions) => resolvingReader(target, 'default', hooks).scan(options)
      const value = Reflect.get(target, property, receiver) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
