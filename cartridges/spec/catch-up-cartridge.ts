import { LivingDbError } from '../../errors/index.js'
import { applyCartridgeBatch } from './apply-cartridge-batch.js'
import type { CartridgeCommit } from './cartridge-commit.js'
import { CURSOR_KEYSPACE, cursorKey, readCursor } from './cartridge-cursor.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase } from './cartridge-database.js'
import { cartridgeOrigin } from './define-cartridge.js'
import { filterCommit } from './source-filter.js'

/** Arguments of {@link catchUpCartridge}. */
export interface CatchUpCartridgeArgs {
  readonly db: CartridgeDatabase
  readonly cartridge: Cartridge
  /** Commits per transaction (default 1,000). */
  readonly maxCommitsPerBatch?: number
  /** Stop at this txn id (default: the head when the call starts). */
  readonly upTo?: number
  /** Provenance `plugin` (default `<cartridge name>@<version>`). */
  readonly plugin?: string
  /** Called after each committed batch. */
  readonly onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void
}

/** What a catch-up did. */
export interface CatchUpResult {
  /** The cursor afterwards: the last txn id the index reflects. */
  readonly cursor: number
  /** Transactions written. */
  readonly batches: number
  /** Commits that reached `apply`. */
  readonly applied: number
}

/** Commits without operations for the cartridge skipped before a cursor-only write is worth it. */
const SKIP_CURSOR_EVERY = 1000
const running = new WeakMap<object, Map<string, Promise<unknown>>>()
class CursorMoved extends Error {}

/**
 * Applies every commit after the cartridge's cursor (in `sys`) up to the head, in
 * batches; each batch is ONE transaction that runs `apply` and advances the cursor, so
 * a crash or a throwing `apply` leaves the index and cursor as they were. Calls for the
 * same database and cartridge run one after another. Throws `TXN_NOT_FOUND` when the
 * commit log no longer holds the commits the cartridge needs.
 */
export function catchUpCartridge(args: CatchUpCartridgeArgs): Promise<CatchUpResult> {
  let perDatabase = running.get(args.db)
  if (perDatabase === undefined) running.set(args.db, (perDatabase = new Map()))
  const previous = perDatabase.get(args.cartridge.name) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(() => catchUpOnce(args))
  perDatabase.set(args.cartridge.name, next)
  return next
}

async function catchUpOnce(args: CatchUpCartridgeArgs): Promise<CatchUpResult> {
  const { db, cartridge } = args
  const maxCommits = args.maxCommitsPerBatch ?? 1000
  if (!Number.isSafeInteger(maxCommits) || maxCommits < 1) throw new LivingDbError('INVALID_ARGUMENT', `maxCommitsPerBatch must be an integer >= 1, got ${String(maxCommits)}.`)
  const head = Math.min(args.upTo ?? db.txnId, db.txnId)
  const origin = cartridgeOrigin(cartridge)
  let cursor = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
  let batches = 0
  let applied = 0
  if (cursor >= head) return { cursor, batches, applied }
  let batch: CartridgeCommit[] = []
  let relevant = 0
  let last = cursor
  const flush = async (): Promise<void> => {
    const expected = cursor
    const through = last
    const commits = batch
    let count = 0
    await db.write(async (transaction) => {
      const sys = transaction.keyspace(CURSOR_KEYSPACE)
      if (readCursor(cartridge, sys) !== expected) throw new CursorMoved()
      count = (await applyCartridgeBatch({ cartridge, transaction, commits, plugin: args.plugin })).applied
      sys.put(cursorKey(cartridge), through)
    }, { origin })
    cursor = through
    batches++
    applied += count
    batch = []
    relevant = 0
    args.onProgress?.({ cursor, head })
  }
  const iterator = db.commits({ from: cursor + 1 })
  try {
    while (last < head) {
      const step = await iterator.next()
      if (step.done === true) break
      const commit = step.value
      if (commit.txnId > head) break
      if (commit.txnId !== last + 1) {
        throw new LivingDbError('TXN_NOT_FOUND', `Cartridge "${cartridge.name}" needs txn ${last + 1} but the commit log continues at ${commit.txnId}. Keep the whole log (open with logRetention: 'all') to build cartridges from the commit stream.`, {
          details: { cartridge: cartridge.name, txnId: last + 1 },
        })
      }
      last = commit.txnId
      batch.push(commit)
      if (filterCommit(commit, cartridge.sources, origin) !== undefined) relevant++
      if (batch.length >= maxCommits) {
        if (relevant > 0 || last - cursor >= SKIP_CURSOR_EVERY) await flush()
        else batch = []
      }
    }
    if (last < head) {
      throw new LivingDbError('TXN_NOT_FOUND', `Cartridge "${cartridge.name}" needs txns ${last + 1}..${head} but the commit stream ended (was the database closed?).`, { details: { cartridge: cartridge.name, txnId: last + 1 } })
    }
    if (relevant > 0 || last - cursor >= SKIP_CURSOR_EVERY) await flush()
  } catch (error) {
    if (error instanceof CursorMoved) return { cursor: db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE))), batches, applied }
    throw error
  } finally {
    await iterator.return?.()
  }
  return { cursor, batches, applied }
}
