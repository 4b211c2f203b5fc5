import { LivingDbError } from '../../errors/index.js'
import { CURSOR_KEYSPACE, readCursor } from './cartridge-cursor.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase } from './cartridge-database.js'
import type { CartridgeFact } from './cartridge-fact.js'
import { readMeta, staleReason } from './cartridge-meta.js'
import type { CartridgeJson } from './cartridge-storage.js'
import { type CatchUpResult, catchUpCartridge } from './catch-up-cartridge.js'
import { queryCartridge } from './query-cartridge.js'
import { rebuildCartridge } from './rebuild-cartridge.js'
import { scopeSnapshot } from './scoped-access.js'

/** Whether a stored index can be used as is. */
export interface CartridgeStatus {
  /** `missing`: never built; `stale`: built with another format/model/config; `current`: usable. */
  readonly state: 'missing' | 'stale' | 'current'
  readonly reason: string | null
  /** Last txn id the index reflects. */
  readonly cursor: number
  readonly head: number
}

/** Reads a cartridge's meta record and cursor and compares them with its definition. */
export function cartridgeStatus(args: { readonly db: CartridgeDatabase; readonly cartridge: Cartridge }): CartridgeStatus {
  const { cartridge } = args
  return args.db.read((snapshot) => {
    const stored = readMeta(cartridge, (name) => snapshot.keyspace(name))
    const reason = staleReason(cartridge, stored)
    const cursor = readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE))
    return { state: stored === undefined ? 'missing' : reason === undefined ? 'current' : 'stale', reason: reason ?? null, cursor, head: snapshot.txnId }
  })
}

/** Options of {@link openCartridge}. */
export interface OpenCartridgeArgs {
  readonly db: CartridgeDatabase
  readonly cartridge: Cartridge
  /** What to do with a missing or stale index: rebuild it (default) or throw `CARTRIDGE_STALE`. */
  readonly onStale?: 'rebuild' | 'throw'
  /** Commits per transaction (default 1,000). */
  readonly maxCommitsPerBatch?: number
  readonly onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void
}

/** An open cartridge: keep it current with `catchUp`/`follow`, ask it with `query`. */
export interface CartridgeHandle {
  readonly cartridge: Cartridge
  status(): CartridgeStatus
  catchUp(): Promise<CatchUpResult>
  rebuild(): Promise<CatchUpResult>
  /** Runs a query operation (latest commit, or `asOf` a txn id). */
  query(name: string, input: unknown, options?: { readonly asOf?: number }): unknown
  stats(options?: { readonly asOf?: number }): { readonly [key: string]: CartridgeJson }
  listFacts(options?: { readonly asOf?: number }): CartridgeFact[]
  /** Catches up now and after every new commit until `signal` aborts; resolves then. */
  follow(options: { readonly signal: AbortSignal; readonly onError?: (error: unknown) => void }): Promise<void>
}

/**
 * Opens a cartridge over a database: checks its meta record (format version, model
 * id, config) and rebuilds a missing or stale index from the commit stream, then
 * catches up to the head.
 *
 * @example
 * const topics = await openCartridge({ db, cartridge: createTopicsCartridge({ prefix: 'notes/' }) })
 * await db.put('notes/1', { text: 'Oslo in winter' })
 * await topics.catchUp()
 * topics.query('search', { query: 'oslo', limit: 10 })
 */
export async function openCartridge(args: OpenCartridgeArgs): Promise<CartridgeHandle> {
  const { db, cartridge } = args
  const common = { db, cartridge, maxCommitsPerBatch: args.maxCommitsPerBatch, onProgress: args.onProgress }
  const status = cartridgeStatus({ db, cartridge })
  if (status.state !== 'current') {
    if (args.onStale === 'throw') {
      throw new LivingDbError('CARTRIDGE_STALE', `Cartridge "${cartridge.name}" must be rebuilt (${status.reason}). Run \`livingdb cartridges rebuild ${cartridge.name}\` or open it with onStale: 'rebuild'.`, {
        details: { cartridge: cartridge.name, reason: status.reason },
      })
    }
    await rebuildCartridge(common)
  } else {
    await catchUpCartridge(common)
  }
  const read = <T>(asOf: number | undefined, use: (reader: ReturnType<typeof scopeSnapshot>) => T): T =>
    asOf === undefined ? db.read((snapshot) => use(scopeSnapshot(cartridge, snapshot))) : db.readAt(asOf, (snapshot) => use(scopeSnapshot(cartridge, snapshot)))
  return {
    cartridge,
    status: () => cartridgeStatus({ db, cartridge }),
    catchUp: () => catchUpCartridge(common),
    rebuild: () => rebuildCartridge(common),
    query: (name, input, options) => queryCartridge({ db, cartridge, name, input, asOf: options?.asOf }),
    stats: (options) => read(options?.asOf, (reader) => cartridge.stats({ reader })),
    listFacts: (options) => read(options?.asOf, (reader) => [...cartridge.listFacts({ reader })]),
    async follow(options) {
      const { signal } = options
      const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
      while (!signal.aborted) {
        try {
          await catchUpCartridge(common)
        } catch (error) {
          if (options.onError === undefined) throw error
          options.onError(error)
        }
        const iterator = db.commits({ from: db.txnId + 1 })
        try {
          await Promise.race([iterator.next(), aborted])
        } finally {
          void iterator.return?.()
        }
      }
    },
  }
}
