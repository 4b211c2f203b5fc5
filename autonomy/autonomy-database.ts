import type { Database, ScanOptions, Snapshot } from '../core/index.js'
import { isArchiveReference } from './archive-segment.js'
import { isCountedKeyspace, resolvingIterator, resolvingReader, resolvingSnapshot, type ResolveHooks } from './resolving-reader.js'

/**
 * The database as an app should read it once autonomy runs: a drop-in `Database` whose
 * reads (`get`, `scan`, `keyspace(...)`, `read`, `readAt`) return archived values as
 * written (resolved against the same snapshot's archive) and feed the usage statistics.
 * Writes, commits, stats and close pass straight through.
 */
export function autonomyDatabase(db: Database, hooks: ResolveHooks): Database {
  const resolveOnly: ResolveHooks = { ...hooks, statistics: undefined }
  const countedBy = hooks.counted ?? isCountedKeyspace
  const countedKeyspaces = new Map<string, boolean>()
  const counted = (keyspace: string): boolean => {
    let answer = countedKeyspaces.get(keyspace)
    if (answer === undefined) countedKeyspaces.set(keyspace, (answer = countedBy(keyspace)))
    return answer
  }
  // Fast path: one lookup on the latest version; only an archived value takes a snapshot to resolve it consistently.
  const getIn = (keyspace: string, key: never): unknown => {
    const value = db.getIn(keyspace, key)
    if (hooks.statistics !== undefined && counted(keyspace)) hooks.statistics.recordRead(keyspace, key)
    return isArchiveReference(value) ? db.read((snapshot) => resolvingReader(snapshot, keyspace, resolveOnly).get(key)) : value
  }
  const keyspaceHandle = (name: string): unknown => {
    const handle = db.keyspace(name)
    return new Proxy(handle, {
      get(target, property, receiver) {
        if (property === 'get') return (key: never) => getIn(name, key)
        if (property === 'scan') return (options?: ScanOptions) => scanResolved(db, name, hooks, options)
        const value = Reflect.get(target, property, receiver) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      },
    })
  }
  const overrides: Record<string | symbol, unknown> = Object.assign(Object.create(null) as object, {
    get: (key: never) => getIn('default', key),
    getIn,
    scan: (options?: ScanOptions) => scanResolved(db, 'default', hooks, options),
    scanIn: (keyspace: string, options?: ScanOptions) => scanResolved(db, keyspace, hooks, options),
    read: <T>(reader: (snapshot: Snapshot) => T): T => db.read((snapshot) => reader(resolvingSnapshot(snapshot, hooks))),
    readAt: <T>(txnId: number, reader: (snapshot: Snapshot) => T): T => db.readAt(txnId, (snapshot) => reader(resolvingSnapshot(snapshot, hooks))),
    keyspace: keyspaceHandle,
  })
  return new Proxy(db, {
    get(target, property, receiver) {
      const override = overrides[property]
      if (override !== undefined) return override
      const value = Reflect.get(target, property, receiver) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

/**
 * A lazy scan on the engine's own retained snapshot. An archived value is read from the
 * latest archive; when its segment was deleted since (every value of it was promoted
 * back), from the archive as of the scan's txn.
 */
function scanResolved(db: Database, keyspace: string, hooks: ResolveHooks, options?: ScanOptions): IterableIterator<never> {
  const txnId = db.txnId
  const entries = db.scanIn(keyspace, options)
  const archive = {
    keyspace: (name: string) => ({
      get: (key: string) => db.getIn(name, key) ?? db.readAt(txnId, (snapshot) => snapshot.keyspace(name).get(key)),
      scan: () => [][Symbol.iterator](),
    }),
  }
  const counted = (hooks.counted ?? isCountedKeyspace)(keyspace)
  const prefix = typeof options?.prefix === 'string' ? options.prefix : typeof options?.gte === 'string' ? options.gte : ''
  return resolvingIterator(archive as never, keyspace, entries, hooks, counted ? hooks.statistics : undefined, prefix) as IterableIterator<never>
}
