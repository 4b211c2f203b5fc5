import { LivingDbError, StorageError } from '../../errors/index.js'
import type { Key } from '../codec/key-codec.js'
import type { Value } from '../codec/value-codec.js'
import type { NodeSource } from '../btree/node.js'
import { checkTree, type TreeCheckReport } from '../btree/check-valid.js'
import { PageType } from '../pager/page-format.js'
import { nodeCost } from '../pager/node-cache.js'
import type { PageFile } from '../pager/page-file.js'
import { writeCheckpointPages } from './checkpoint-writer.js'
import { type Commit, commitStream } from './commit-stream.js'
import { DEFAULT_KEYSPACE, type DatabaseState, validateKeyspaceName } from './database-state.js'
import type { FreeSpace } from './free-space.js'
import { Keyspace } from './keyspace.js'
import type { CommitLogPort } from './memory-log.js'
import type { ResolvedOptions } from './options.js'
import { EntryIterator, type Entry, type ScanOptions, readValue, toByteRange } from './read-api.js'
import { Snapshot } from './snapshot.js'
import { type VerifyReport, verifyStorage } from './verify.js'
import { TimeTravel } from './time-travel.js'
import { type Transaction, WriteTransaction } from './write-transaction.js'

/**
 * Heap bytes one written entry costs beyond its key and value bytes while it
 * is not checkpointed: two byte-array views, array slots, a search-index head
 * and its share of node objects (measured: ~640 B per 120-byte entry).
 */
const ENTRY_HEAP_OVERHEAD_BYTES = 500
/** Unwritten entries may hold at least this much heap before they force a checkpoint (half the cache when that is larger). */
const MIN_UNWRITTEN_ENTRY_BYTES = 16 * 1024 * 1024

/** Heap the time-travel window may pin at least (an eighth of the cache when that is larger). */
const MIN_TIME_TRAVEL_BYTES = 4 * 1024 * 1024

/** Options of `write()`. */
export interface WriteOptions {
  /** Recorded in the commit: `app` (default), `plugin:<name>`, `autonomy`... */
  readonly origin?: string
  /** false: throw `WRITE_BUSY` instead of queueing behind another writer (default true). */
  readonly wait?: boolean
}

/** The result of a write: the txn id it committed as (the current txn id when it wrote nothing). */
export interface WriteResult {
  readonly txnId: number
}

/** Everything `open()` assembled for a {@link Database}. */
export interface DatabaseParts {
  readonly options: ResolvedOptions
  readonly source: NodeSource
  readonly pageFile: PageFile | undefined
  readonly log: CommitLogPort
  readonly state: DatabaseState
  readonly freeSpace: FreeSpace
  readonly releaseLock: (() => void) | undefined
  /** First write generation not used by recovery. */
  readonly generation: number
  /** Log bytes replayed at open (counts toward the next checkpoint). */
  readonly replayedBytes: number
  readonly recovery: { readonly replayedTxns: number; readonly milliseconds: number }
}

/**
 * An open livingdb database. Reads are synchronous and see the latest
 * published commit; writes run one at a time and resolve once durable.
 */
export class Database {
  readonly source: NodeSource
  private writerState: DatabaseState
  private published: DatabaseState
  private generation: number
  private lockHeld = false
  private readonly lockQueue: (() => void)[] = []
  private readonly pendingCommits: PendingCommit[] = []
  private readonly settledWaiters: (() => void)[] = []
  private failure: StorageError | undefined
  private closed = false
  private closing: Promise<void> | undefined
  private readonly openSnapshots = new Map<number, number>()
  private readonly timeTravel: TimeTravel
  private readonly waiters = new Set<() => void>()
  private bytesSinceCheckpoint: number
  /** Estimated heap held by nodes not yet written to pages; a checkpoint turns them into evictable cache entries. */
  private unwrittenBytes = 0
  /** Estimated heap held by entries written since the last checkpoint (see {@link ENTRY_HEAP_OVERHEAD_BYTES}). */
  private unwrittenEntryBytes = 0
  private checkpointRunning: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly keyspaceHandles = new Map<string, Keyspace>()
  private readonly abandonedScans = new FinalizationRegistry<number>((txnId) => this.unretain(txnId))

  constructor(private readonly parts: DatabaseParts) {
    this.source = parts.source
    this.writerState = parts.state
    this.published = parts.state
    this.generation = parts.generation
    this.bytesSinceCheckpoint = parts.replayedBytes
    this.timeTravel = new TimeTravel({
      source: parts.source,
      log: parts.log,
      windowTxns: parts.options.timeTravelTxns,
      windowBytes: Math.max(parts.options.cacheBytes / 8, MIN_TIME_TRAVEL_BYTES),
      nextGeneration: () => this.nextGeneration(),
    })
    this.scheduleCheckpoint()
  }

  /** The latest published txn id. */
  get txnId(): number {
    return this.published.txnId
  }

  /** The directory of this database, or undefined when in memory. */
  get path(): string | undefined {
    return this.parts.options.path
  }

  /** A never-used write generation. */
  nextGeneration(): number {
    return ++this.generation
  }

  // ---- reads -------------------------------------------------------------

  /** The latest committed value of `key` in the default keyspace, or undefined. */
  get(key: Key): Value | undefined {
    return this.getIn(DEFAULT_KEYSPACE, key)
  }

  /** Entries of the default keyspace in key order at the latest commit. Finish or break the loop to release the snapshot. */
  scan(options?: ScanOptions): IterableIterator<Entry> {
    return this.scanIn(DEFAULT_KEYSPACE, options)
  }

  /** @internal */
  getIn(keyspace: string, key: Key): Value | undefined {
    this.assertOpen()
    return readValue(this.source, this.published.keyspaces.get(keyspace), key)
  }

  /** @internal */
  scanIn(keyspace: string, options?: ScanOptions): IterableIterator<Entry> {
    this.assertOpen()
    const state = this.published
    const range = toByteRange(options)
    this.retain(state.txnId)
    const token = {}
    const iterator = new EntryIterator(this.source, state.keyspaces.get(keyspace), range, () => {
      this.abandonedScans.unregister(token)
      this.unretain(state.txnId)
    })
    // An iterator dropped before its end still releases its snapshot once garbage-collected.
    this.abandonedScans.register(iterator, state.txnId, token)
    return iterator
  }

  /** Runs `reader` on one consistent snapshot of the latest commit; returns what it returns. */
  read<T>(reader: (snapshot: Snapshot) => T): T {
    this.assertOpen()
    return this.withSnapshot(this.published, reader)
  }

  /** Runs `reader` on the database as of `txnId` (`TXN_NOT_FOUND` when that version does not exist). */
  readAt<T>(txnId: number, reader: (snapshot: Snapshot) => T): T {
    this.assertOpen()
    return this.withSnapshot(this.timeTravel.stateAt(txnId, this.published), reader)
  }

  private withSnapshot<T>(state: DatabaseState, reader: (snapshot: Snapshot) => T): T {
    const snapshot = new Snapshot(this.source, state)
    this.retain(state.txnId)
    let result: T
    try {
      result = reader(snapshot)
    } catch (error) {
      snapshot.close()
      this.unretain(state.txnId)
      throw error
    }
    if (result instanceof Promise) {
      return result.finally(() => {
        snapshot.close()
        this.unretain(state.txnId)
      }) as T
    }
    snapshot.close()
    this.unretain(state.txnId)
    return result
  }

  private retain(txnId: number): void {
    this.openSnapshots.set(txnId, (this.openSnapshots.get(txnId) ?? 0) + 1)
  }

  private unretain(txnId: number): void {
    const count = (this.openSnapshots.get(txnId) ?? 1) - 1
    if (count <= 0) this.openSnapshots.delete(txnId)
    else this.openSnapshots.set(txnId, count)
  }

  /** A handle for the named keyspace (created on first write). */
  keyspace(name: string): Keyspace {
    validateKeyspaceName(name)
    let handle = this.keyspaceHandles.get(name)
    if (handle === undefined) {
      handle = new Keyspace(this, name)
      this.keyspaceHandles.set(name, handle)
    }
    return handle
  }

  /** Names of the keyspaces at the latest commit. */
  keyspaces(): string[] {
    return [...this.published.keyspaces.keys()].sort()
  }

  /** The commit stream from txn `from` on (default 0: everything still in the log), then live commits until the loop breaks or the database closes. */
  commits(options: { readonly from?: number } = {}): AsyncIterableIterator<Commit> {
    this.assertOpen()
    return commitStream({
      from: options.from ?? 0,
      log: this.parts.log,
      publishedTxnId: () => this.published.txnId,
      isClosed: () => this.closed,
      waitForChange: () => new Promise<void>((resolve) => this.waiters.add(resolve)),
    })
  }

  // ---- writes ------------------------------------------------------------

  /** Runs `callback` as one atomic transaction on the default keyspace; resolves once it is durable and visible. */
  write(callback: (transaction: Transaction) => unknown, options: WriteOptions = {}): Promise<WriteResult> {
    return this.writeIn(DEFAULT_KEYSPACE, callback, options)
  }

  /** Puts one key in its own transaction. */
  put(key: Key, value: Value, options?: WriteOptions): Promise<WriteResult> {
    return this.write((transaction) => transaction.put(key, value), options)
  }

  /** Deletes one key in its own transaction. */
  delete(key: Key, options?: WriteOptions): Promise<WriteResult> {
    return this.write((transaction) => transaction.delete(key), options)
  }

  /** @internal */
  async writeIn(keyspace: string, callback: (transaction: Transaction) => unknown, options: WriteOptions = {}): Promise<WriteResult> {
    this.assertWritable()
    const origin = options.origin ?? 'app'
    if (typeof origin !== 'string' || origin.length === 0 || origin.length > 256) {
      throw new LivingDbError('INVALID_ARGUMENT', `write option origin must be a non-empty string of at most 256 characters, e.g. 'app' or 'plugin:topics'.`, { details: { option: 'origin' } })
    }
    if (typeof callback !== 'function') throw new LivingDbError('INVALID_ARGUMENT', 'write() takes a callback: db.write(tx => { tx.put(key, value) }).')
    const release = this.acquireWriter(options.wait !== false) ?? (await this.waitForWriter())
    let durable: Promise<void>
    let state: DatabaseState
    let operationCount = 0
    try {
      this.assertWritable()
      const transaction = new WriteTransaction(this, this.writerState, origin, keyspace)
      try {
        const result = callback(transaction)
        if (isThenable(result)) await result
      } finally {
        transaction.finish()
      }
      if (transaction.ops.length === 0) return { txnId: this.writerState.txnId }
      operationCount = transaction.ops.length
      const txnId = this.writerState.txnId + 1
      let freed = transaction.freedPages
      const pageFile = this.parts.pageFile
      if (pageFile && transaction.freedValues.length > 0) {
        const pages = [...freed]
        for (const reference of transaction.freedValues) pages.push(...pageFile.chainPages(PageType.OVERFLOW, reference.page))
        freed = pages
      }
      const record = { txnId, timestamp: Date.now(), origin, ops: transaction.ops }
      try {
        durable = this.parts.log.append(record)
      } catch (error) {
        durable = Promise.reject(error)
      }
      // A checkpoint finishes with fsyncs whose callbacks need an event-loop turn. A writer
      // awaiting commits that resolve at once (relaxed, none) would keep the loop in
      // microtasks and starve them, so while one is in flight each commit yields a turn.
      if (this.checkpointRunning !== undefined) durable = durable.then(yieldToEventLoop)
      state = { txnId, timestamp: record.timestamp, keyspaces: transaction.keyspaces }
      this.writerState = state
      this.parts.freeSpace.release(freed, txnId)
      let operationBytes = 0
      for (const operation of record.ops) operationBytes += operation.key.length + (operation.value?.length ?? 0)
      this.bytesSinceCheckpoint += operationBytes + record.ops.length * 24
      // Written entries live on the heap as views, array slots and node objects until a checkpoint makes them evictable pages.
      this.unwrittenEntryBytes += operationBytes + record.ops.length * ENTRY_HEAP_OVERHEAD_BYTES
      // Each written node this commit copied is now held twice (page in cache, copy in memory) until a checkpoint.
      this.unwrittenBytes += transaction.freedPages.length * nodeCost(this.source.limits.pageSize)
    } finally {
      release()
    }
    await this.awaitPublication(state, durable, operationCount)
    return { txnId: state.txnId }
  }

  /**
   * Resolves once `state` is durable and every earlier commit is published,
   * then publishes it. Commits made durable by one shared fsync are published
   * together, so their writers all resume in the same turn (group commit).
   */
  private awaitPublication(state: DatabaseState, durable: Promise<void>, operationCount: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: PendingCommit = { state, operationCount, outcome: 'pending', resolve, reject }
      this.pendingCommits.push(entry)
      durable.then(
        () => {
          entry.outcome = 'durable'
          this.drainPublications()
        },
        (error: unknown) => {
          this.fail(error)
          entry.outcome = 'failed'
          this.drainPublications()
        },
      )
    })
  }

  private drainPublications(): void {
    while (this.pendingCommits.length > 0 && this.pendingCommits[0]!.outcome !== 'pending') {
      const entry = this.pendingCommits.shift()!
      if (entry.outcome === 'durable' && !this.failure) {
        this.publish(entry.state, entry.operationCount)
        entry.resolve()
      } else {
        entry.reject(this.failure)
      }
    }
    if (this.pendingCommits.length === 0) {
      for (const wake of this.settledWaiters.splice(0)) wake()
    }
  }

  /** Resolves when every applied commit is published or rejected. */
  private publicationsSettled(): Promise<void> {
    if (this.pendingCommits.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => this.settledWaiters.push(resolve))
  }

  /** Takes the write lock at once when it is free; throws `WRITE_BUSY` when busy and `wait` is false; undefined means queue. */
  private acquireWriter(wait: boolean): (() => void) | undefined {
    if (!this.lockHeld && this.lockQueue.length === 0) {
      this.lockHeld = true
      return this.lockReleaser()
    }
    if (!wait) {
      throw new LivingDbError('WRITE_BUSY', 'Another write transaction is running and this write asked not to wait ({ wait: false }). Retry later, or omit wait to queue.')
    }
    return undefined
  }

  private waitForWriter(): Promise<() => void> {
    return new Promise((resolve) =>
      this.lockQueue.push(() => {
        this.lockHeld = true
        resolve(this.lockReleaser())
      }),
    )
  }

  private lockReleaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.lockHeld = false
      this.lockQueue.shift()?.()
    }
  }

  private publish(state: DatabaseState, operationCount: number): void {
    // The superseded version keeps alone the nodes this commit copied: about one node per operation.
    this.timeTravel.retire(this.published, operationCount * nodeCost(this.source.limits.pageSize))
    this.published = state
    for (const wake of this.waiters) wake()
    this.waiters.clear()
    this.scheduleCheckpoint()
  }

  private fail(error: unknown): StorageError {
    if (!this.failure) {
      const reason = error instanceof Error ? error.message : String(error)
      this.failure = new StorageError('IO_ERROR', `A write to disk failed (${reason}); the database no longer accepts writes. Close it and open it again: recovery restores every durable commit.`, {
        cause: error,
        details: { cause: LivingDbError.isInstance(error) ? error.toJSON() : reason },
      })
    }
    return this.failure
  }

  private assertOpen(): void {
    if (this.closed) throw new LivingDbError('DB_CLOSED', 'The database is closed. Open it again with open().')
  }

  private assertWritable(): void {
    this.assertOpen()
    if (this.failure) throw this.failure
  }

  // ---- checkpoints ---------------------------------------------------------

  /** Writes every commit so far into the page file (no-op in memory); resolves when the new meta page is durable. */
  checkpoint(): Promise<void> {
    this.assertWritable()
    return this.runCheckpoint()
  }

  private runCheckpoint(): Promise<void> {
    const previous = this.checkpointRunning ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(() => this.checkpointOnce())
    this.checkpointRunning = next
    void next.catch(() => undefined).finally(() => {
      if (this.checkpointRunning === next) this.checkpointRunning = undefined
    })
    return next
  }

  private async checkpointOnce(): Promise<void> {
    const pageFile = this.parts.pageFile
    if (!pageFile || this.failure) return
    const release = this.acquireWriter(true) ?? (await this.waitForWriter())
    let meta
    try {
      await this.publicationsSettled()
      if (this.failure) throw this.failure
      const state = this.published
      if (state.txnId === pageFile.meta.checkpointTxnId && this.bytesSinceCheckpoint === 0) return
      this.parts.freeSpace.promote(Math.min(pageFile.meta.checkpointTxnId, this.oldestNeededTxn()))
      try {
        meta = writeCheckpointPages(pageFile, this.parts.freeSpace, state, this.timeTravel.retainedStates())
      } catch (error) {
        throw this.fail(error)
      }
      this.bytesSinceCheckpoint = 0
      this.unwrittenBytes = 0
      this.unwrittenEntryBytes = 0
    } finally {
      release()
    }
    try {
      // The log must hold every txn the new meta claims, whatever the durability mode.
      await this.parts.log.flush()
      await pageFile.syncAsync()
      pageFile.writeMeta(meta)
      await pageFile.syncAsync()
    } catch (error) {
      throw this.fail(error)
    }
    pageFile.meta = meta
    const retention = this.parts.options.logRetention
    if (retention !== 'all') this.parts.log.releaseBefore(Math.min(meta.checkpointTxnId + 1, this.published.txnId - retention.txns + 1))
  }

  /** The oldest txn any open snapshot or retained version may read. */
  private oldestNeededTxn(): number {
    let oldest = Math.min(this.published.txnId, this.timeTravel.oldestRetainedTxn() ?? Infinity)
    for (const txnId of this.openSnapshots.keys()) oldest = Math.min(oldest, txnId)
    return oldest
  }

  private scheduleCheckpoint(): void {
    if (!this.parts.pageFile || this.closed || this.failure) return
    const options = this.parts.options
    const memoryDue = this.unwrittenBytes >= options.cacheBytes / 2 || this.unwrittenEntryBytes >= Math.max(options.cacheBytes / 2, MIN_UNWRITTEN_ENTRY_BYTES)
    if (this.bytesSinceCheckpoint >= options.checkpointBytes || memoryDue) {
      if (!this.checkpointRunning) this.runCheckpoint().catch(() => undefined)
      return
    }
    const interval = this.parts.options.checkpointIntervalMs
    if (interval > 0 && this.timer === undefined && this.bytesSinceCheckpoint > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        if (!this.closed && !this.failure) this.runCheckpoint().catch(() => undefined)
      }, interval)
      this.timer.unref()
    }
  }

  // ---- maintenance -----------------------------------------------------------

  /** Walks every keyspace tree of the latest commit and asserts every invariant (`TREE_INVARIANT`). */
  checkValid(): Record<string, TreeCheckReport> {
    this.assertOpen()
    const state = this.published
    const report: Record<string, TreeCheckReport> = {}
    for (const [name, keyspace] of state.keyspaces) report[name] = checkTree(this.source, keyspace.root, name, keyspace.count)
    return report
  }

  /**
   * Verifies every page checksum reachable from the durable meta, every tree
   * invariant, page ownership and every commit-log record; returns a report
   * (`ok: false` with problems on damage) for `livingdb verify`.
   */
  verify(options: { readonly onProgress?: (done: number, total: number) => void } = {}): VerifyReport {
    this.assertOpen()
    return verifyStorage({ pageFile: this.parts.pageFile, log: this.parts.log, source: this.source, state: this.published, onProgress: options.onProgress })
  }

  /** Counters for `livingdb stats`. */
  stats(): DatabaseStats {
    this.assertOpen()
    const pageFile = this.parts.pageFile
    const keyspaces: Record<string, number> = {}
    for (const [name, keyspace] of this.published.keyspaces) keyspaces[name] = keyspace.count
    return {
      path: this.parts.options.path ?? null,
      txnId: this.published.txnId,
      durability: this.parts.options.durability,
      keyspaces,
      pageSize: this.source.limits.pageSize,
      maxKeyBytes: this.source.limits.maxKeyBytes,
      checkpointTxnId: pageFile?.meta.checkpointTxnId ?? 0,
      pages: pageFile?.pageCount ?? 0,
      fileBytes: pageFile?.fileBytes() ?? 0,
      freePages: this.parts.freeSpace.stats(),
      cache: pageFile?.cache.stats() ?? null,
      log: this.parts.log.stats(),
      openSnapshots: [...this.openSnapshots.values()].reduce((sum, count) => sum + count, 0),
      recovery: this.parts.recovery,
      failed: this.failure?.message ?? null,
    }
  }

  /** Waits for queued writes, checkpoints, closes the files and releases the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    const release = this.acquireWriter(true) ?? (await this.waitForWriter())
    release()
    await this.publicationsSettled()
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    let failure: unknown
    try {
      if (!this.failure) await this.runCheckpoint()
    } catch (error) {
      failure = error
    }
    await this.checkpointRunning?.catch(() => undefined)
    this.closed = true
    for (const wake of this.waiters) wake()
    this.waiters.clear()
    try {
      await this.parts.log.close()
    } catch (error) {
      failure ??= error
    }
    try {
      this.parts.pageFile?.close()
    } finally {
      this.parts.releaseLock?.()
    }
    if (failure) throw failure
  }
}

/** A commit applied by the writer and waiting to become durable and visible. */
interface PendingCommit {
  readonly state: DatabaseState
  /** Operations of the commit (sizes what the version it supersedes keeps alive). */
  readonly operationCount: number
  outcome: 'pending' | 'durable' | 'failed'
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/** What `db.stats()` returns. */
export interface DatabaseStats {
  readonly path: string | null
  readonly txnId: number
  readonly durability: string
  /** Key count per keyspace. */
  readonly keyspaces: Record<string, number>
  readonly pageSize: number
  readonly maxKeyBytes: number
  readonly checkpointTxnId: number
  readonly pages: number
  readonly fileBytes: number
  readonly freePages: { readonly reusable: number; readonly pending: number }
  readonly cache: { entries: number; bytes: number; capacityBytes: number; hits: number; misses: number } | null
  readonly log: { segments: number; bytes: number; firstTxnId: number; lastTxnId: number }
  readonly openSnapshots: number
  readonly recovery: { readonly replayedTxns: number; readonly milliseconds: number }
  /** Why the database stopped accepting writes, or null. */
  readonly failed: string | null
}
