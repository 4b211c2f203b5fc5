import { LivingDbError } from '../../errors/index.js'
import { applyCartridgeBatch } from './apply-cartridge-batch.js'
import type { CartridgeCommit } from './cartridge-commit.js'
import { CURSOR_KEYSPACE, cursorKey, readCursor } from './cartridge-cursor.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase, CartridgeHostTransaction } from './cartridge-database.js'
import { writeDefinitionRecord } from './cartridge-recipe.js'
import { catchUpCartridge, type CatchUpResult } from './catch-up-cartridge.js'
import { cartridgeOrigin } from './define-cartridge.js'
import { cartridgeStatus } from './open-cartridge.js'
import { rebuildCartridge } from './rebuild-cartridge.js'
import { filterCommit } from './source-filter.js'

/** What an attached cartridge is doing. */
export type AttachedCartridgeState = 'syncing' | 'rebuilding' | 'running' | 'backing-off' | 'closed'

/** Status of one attached cartridge. */
export interface AttachedCartridgeStatus {
  readonly name: string
  readonly version: string
  readonly formatVersion: number
  readonly state: AttachedCartridgeState
  /** Durable cursor: every commit up to it is reflected in the stored index. */
  readonly cursor: number
  /** Processed position (>= cursor: later commits had nothing for this cartridge). */
  readonly position: number
  readonly head: number
  /** Commits between the position and the head. */
  readonly lag: number
  /** Failed apply attempts since attach. */
  readonly errors: number
  readonly lastError: { readonly code: string; readonly message: string } | null
}

/** Options the group passes to each runner. */
export interface CartridgeRunnerOptions {
  readonly db: CartridgeDatabase
  readonly cartridge: Cartridge
  readonly maxCommitsPerBatch: number
  readonly backoff: { readonly initialMs: number; readonly maxMs: number }
  /** Persist a cursor-only move after this many commits without effects. */
  readonly skipCursorEvery: number
  readonly onError: (error: unknown, cartridge: Cartridge) => void
  /** Called whenever the position or state changes (idle() waiters re-check). */
  readonly onChange: () => void
  /** The last txn the shared commit tail has handed out (a recovering runner catches up to it). */
  readonly tailPosition: () => number
}

class CursorConflict extends Error {}

/**
 * Keeps one cartridge current from batches of the shared commit tail. A batch with
 * operations for the cartridge is ONE transaction that runs `apply` and moves the
 * durable cursor (exactly-once); a batch without any only moves the in-memory position
 * (persisted every `skipCursorEvery` commits and at idle/close). Everything that
 * touches the cartridge runs under one lock, so rebuilds and batches never interleave.
 * @internal
 */
export class CartridgeRunner {
  state: AttachedCartridgeState = 'syncing'
  position = 0
  persisted = 0
  errors = 0
  lastError: { code: string; message: string } | null = null
  /** The error of the current failure streak (cleared by a success). */
  failure: unknown = undefined
  /** Highest txn seen that did not come from cartridges (cursor writes never need persisting for themselves). */
  private lastForeignTxn = 0
  private lock: Promise<unknown> = Promise.resolve()
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private attempt = 0

  constructor(private readonly options: CartridgeRunnerOptions) {}

  get cartridge(): Cartridge {
    return this.options.cartridge
  }

  /** Runs `work` after everything queued before it (a failure does not break the chain). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lock.catch(() => undefined).then(work)
    this.lock = next
    return next
  }

  /** Initial sync: rebuild a missing/stale index or catch up to `upTo`. */
  sync(upTo: number): Promise<void> {
    return this.exclusive(async () => {
      const { db, cartridge } = this.options
      const status = cartridgeStatus({ db, cartridge })
      this.setState(status.state === 'current' ? 'syncing' : 'rebuilding')
      try {
        if (status.state === 'current') {
          await catchUpCartridge({ db, cartridge, upTo, maxCommitsPerBatch: this.options.maxCommitsPerBatch })
          await db.write((transaction) => writeDefinitionRecord(cartridge, transaction), { origin: cartridgeOrigin(cartridge) })
        } else {
          await rebuildCartridge({ db, cartridge, upTo, maxCommitsPerBatch: this.options.maxCommitsPerBatch })
        }
        this.resynced(upTo)
      } catch (error) {
        this.failed(error)
      }
    })
  }

  /** Rebuilds from the commit stream up to the tail position (under the lock). */
  rebuild(onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void): Promise<CatchUpResult> {
    return this.exclusive(async () => {
      const { db, cartridge } = this.options
      this.assertOpen()
      this.setState('rebuilding')
      const upTo = Math.max(this.options.tailPosition(), this.position)
      try {
        const result = await rebuildCartridge({ db, cartridge, upTo, maxCommitsPerBatch: this.options.maxCommitsPerBatch, ...(onProgress === undefined ? {} : { onProgress }) })
        this.resynced(upTo)
        return result
      } catch (error) {
        this.failed(error)
        throw error
      }
    })
  }

  /**
   * Applies the part of `batch` after the position in its own transaction (the shared
   * tail calls it, in txn order, holding this runner's lock); fills a gap first.
   */
  async processHeld(batch: readonly CartridgeCommit[]): Promise<void> {
    if (this.state === 'closed' || this.state === 'backing-off' || this.failure !== undefined) return
    const first = batch[0]
    if (first === undefined) return
    if (this.position < first.txnId - 1 && !(await this.fillGap(first.txnId - 1))) return
    const fresh = batch.filter((commit) => commit.txnId > this.position)
    if (fresh.length === 0) return
    await this.applyCommits(fresh)
  }

  /**
   * True when this runner can join a transaction shared with other cartridges for
   * `batch` (lock held): it is running, healthy, exactly at the batch start, and does not
   * read its own keyspaces (a shared commit's origin is not its own).
   */
  canShare(batch: readonly CartridgeCommit[]): boolean {
    const { cartridge } = this.options
    return (
      this.state === 'running' &&
      this.failure === undefined &&
      batch.length > 0 &&
      batch.length <= this.options.maxCommitsPerBatch &&
      this.position === batch[0]!.txnId - 1 &&
      !cartridge.sources.some((source) => cartridge.keyspaces.includes(source.keyspace))
    )
  }

  /** Whether any commit of `batch` has operations for this cartridge. */
  wants(batch: readonly CartridgeCommit[]): boolean {
    const origin = cartridgeOrigin(this.options.cartridge)
    return batch.some((commit) => filterCommit(commit, this.options.cartridge.sources, origin) !== undefined)
  }

  /** Inside a shared transaction (lock held): applies `batch` and moves the cursor, or throws. */
  async applyShared(transaction: CartridgeHostTransaction, batch: readonly CartridgeCommit[]): Promise<void> {
    const { cartridge } = this.options
    const sys = transaction.keyspace(CURSOR_KEYSPACE)
    if (readCursor(cartridge, sys) !== this.persisted) throw new CursorConflict()
    await applyCartridgeBatch({ cartridge, transaction, commits: batch })
    sys.put(cursorKey(cartridge), batch.at(-1)!.txnId)
  }

  /** After the shared transaction committed (or had nothing for this cartridge): moves the position. */
  async sharedCommitted(batch: readonly CartridgeCommit[], wrote: boolean): Promise<void> {
    const through = batch.at(-1)!.txnId
    for (const commit of batch) if (!commit.origin.startsWith('cartridge')) this.lastForeignTxn = commit.txnId
    this.position = through
    if (wrote) this.persisted = through
    else if (this.position - this.persisted >= this.options.skipCursorEvery) await this.writeCursorOnly()
    this.succeeded()
  }

  /** Catches up to `txnId` now (also when backing off: `idle()` wants an answer, not a wait). */
  reach(txnId: number): Promise<void> {
    return this.exclusive(async () => {
      if (this.state === 'closed' || (this.position >= txnId && this.failure === undefined)) return
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
      this.retryTimer = undefined
      this.setState('syncing')
      await this.fillGap(Math.max(txnId, this.position))
    })
  }

  /** Persists the position as the durable cursor when commits from outside the cartridges lie after it. */
  persist(): Promise<void> {
    return this.exclusive(async () => {
      if (this.state === 'closed' || this.failure !== undefined || this.lastForeignTxn <= this.persisted || this.position <= this.persisted) return
      await this.writeCursorOnly()
    })
  }

  /** Stops retrying; the lock drains. */
  close(): Promise<void> {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    return this.exclusive(async () => {
      this.setState('closed')
    })
  }

  status(head: number): AttachedCartridgeStatus {
    const { cartridge } = this.options
    return {
      name: cartridge.name,
      version: cartridge.version,
      formatVersion: cartridge.formatVersion,
      state: this.state,
      cursor: this.persisted,
      position: this.position,
      head,
      lag: Math.max(0, head - this.position),
      errors: this.errors,
      lastError: this.lastError,
    }
  }

  private async applyCommits(commits: readonly CartridgeCommit[]): Promise<void> {
    const { db, cartridge } = this.options
    const origin = cartridgeOrigin(cartridge)
    for (let start = 0; start < commits.length; start += this.options.maxCommitsPerBatch) {
      const slice = commits.slice(start, start + this.options.maxCommitsPerBatch)
      const through = slice.at(-1)!.txnId
      for (const commit of slice) if (!commit.origin.startsWith('cartridge')) this.lastForeignTxn = commit.txnId
      const relevant = slice.some((commit) => filterCommit(commit, cartridge.sources, origin) !== undefined)
      try {
        if (relevant) {
          const expected = this.persisted
          await db.write(async (transaction) => {
            const sys = transaction.keyspace(CURSOR_KEYSPACE)
            if (readCursor(cartridge, sys) !== expected) throw new CursorConflict()
            await applyCartridgeBatch({ cartridge, transaction, commits: slice })
            sys.put(cursorKey(cartridge), through)
          }, { origin })
          this.persisted = through
          this.position = through
        } else {
          this.position = through
          if (this.position - this.persisted >= this.options.skipCursorEvery) await this.writeCursorOnly()
        }
        this.succeeded()
      } catch (error) {
        if (error instanceof CursorConflict) {
          // Someone else moved the cursor (a catch-up outside this runner): start again from it.
          this.persisted = this.position = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
          this.options.onChange()
          return
        }
        this.failed(error)
        return
      }
    }
  }

  private async writeCursorOnly(): Promise<void> {
    const { db, cartridge } = this.options
    const expected = this.persisted
    const through = this.position
    try {
      await db.write((transaction) => {
        const sys = transaction.keyspace(CURSOR_KEYSPACE)
        if (readCursor(cartridge, sys) !== expected) throw new CursorConflict()
        sys.put(cursorKey(cartridge), through)
      }, { origin: cartridgeOrigin(cartridge) })
      this.persisted = through
    } catch (error) {
      if (!(error instanceof CursorConflict)) throw error
      this.persisted = this.position = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
    }
    this.options.onChange()
  }

  /** Catches up from the durable cursor to `upTo` by reading the log (after a failure or a conflict); rebuilds an index left unbuilt. */
  private async fillGap(upTo: number): Promise<boolean> {
    const { db, cartridge } = this.options
    try {
      // A rebuild that failed half-way left the index without its meta record: start it over.
      if (cartridgeStatus({ db, cartridge }).state === 'current') await catchUpCartridge({ db, cartridge, upTo, maxCommitsPerBatch: this.options.maxCommitsPerBatch })
      else await rebuildCartridge({ db, cartridge, upTo, maxCommitsPerBatch: this.options.maxCommitsPerBatch })
      this.resynced(upTo)
      return true
    } catch (error) {
      this.failed(error)
      return false
    }
  }

  private resynced(upTo: number): void {
    const { db, cartridge } = this.options
    this.persisted = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
    this.position = Math.max(upTo, this.persisted)
    this.succeeded()
  }

  private succeeded(): void {
    this.failure = undefined
    this.attempt = 0
    if (this.state !== 'closed') this.state = 'running'
    this.options.onChange()
  }

  private failed(error: unknown): void {
    if (this.state === 'closed') return
    this.errors++
    this.failure = error
    this.lastError = { code: LivingDbError.isInstance(error) ? error.code : 'CARTRIDGE_APPLY_FAILED', message: error instanceof Error ? error.message : String(error) }
    this.state = 'backing-off'
    this.attempt++
    const delay = Math.min(this.options.backoff.maxMs, this.options.backoff.initialMs * 2 ** (this.attempt - 1))
    this.options.onError(error, this.options.cartridge)
    this.options.onChange()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.exclusive(async () => {
        if (this.state !== 'backing-off') return
        this.state = 'syncing'
        await this.fillGap(this.options.tailPosition())
      })
    }, delay)
    this.retryTimer.unref?.()
  }

  private setState(state: AttachedCartridgeState): void {
    if (this.state === 'closed') return
    this.state = state
    this.options.onChange()
  }

  private assertOpen(): void {
    if (this.state === 'closed') throw new LivingDbError('CARTRIDGES_CLOSED', `Cartridge "${this.options.cartridge.name}" was detached. Attach it again with attachCartridges().`)
  }
}
