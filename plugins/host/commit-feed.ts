import type { PluginCommit } from '../spec/plugin-commit.js'
import type { HostCommit, PluginHostDatabase } from './host-database.js'

/** One position of the commit stream, with what the plugin may see of it (if anything). */
export interface FeedItem {
  readonly txnId: number
  /** `undefined` when the plugin sees nothing of this commit (not delivered, cursor still moves). */
  readonly commit: PluginCommit | undefined
}

/** Arguments of {@link CommitFeed}. */
export interface CommitFeedArgs {
  readonly db: PluginHostDatabase
  /** First txn id to read (the cursor + 1). */
  readonly from: number
  /** Most commits held in memory ahead of the plugin; reading the log pauses beyond it (backpressure). */
  readonly maxBuffered: number
  /** At the head, wait this long after a commit before reading on, so one log read serves several commits. */
  readonly tailIntervalMs: number
  readonly view: (commit: HostCommit) => PluginCommit | undefined
  readonly onError: (error: unknown) => void
}

/**
 * Reads the commit stream for one plugin into a bounded buffer and hands out batches.
 * The engine's log is the real queue: when the plugin falls behind, the feed stops
 * pulling (never the other way round), so the commit path never waits on a plugin.
 */
export class CommitFeed {
  readonly #items: FeedItem[] = []
  readonly #abort = new AbortController()
  readonly #args: CommitFeedArgs
  #wakeReader: (() => void) | undefined
  #wakeConsumer: (() => void) | undefined
  #closed = false
  #lastReadTxnId: number

  constructor(args: CommitFeedArgs) {
    this.#args = args
    this.#lastReadTxnId = args.from - 1
    void this.#pump()
  }

  /** The txn id of the newest commit read from the stream so far. */
  get lastReadTxnId(): number {
    return this.#lastReadTxnId
  }

  /** How many commits are buffered. */
  get buffered(): number {
    return this.#items.length
  }

  /** Puts items back at the front (a batch being retried in smaller parts). */
  unshift(items: readonly FeedItem[]): void {
    this.#items.unshift(...items)
  }

  /**
   * Waits for at least one item (or `signal`), then up to `maxWaitMs` more for the batch
   * to fill to `maxCommits` delivered commits; returns the items taken (possibly none).
   */
  async take(args: { readonly maxCommits: number; readonly maxWaitMs: number; readonly signal: Promise<void> }): Promise<FeedItem[]> {
    if (this.#closed) return []
    if (this.#items.length === 0) await Promise.race([this.#nextArrival(), args.signal])
    if (this.#items.length === 0) return []
    if (args.maxWaitMs > 0 && this.#deliverableCount(args.maxCommits) < args.maxCommits) {
      const deadline = Date.now() + args.maxWaitMs
      while (this.#deliverableCount(args.maxCommits) < args.maxCommits && !this.#closed) {
        const remaining = deadline - Date.now()
        if (remaining <= 0) break
        let timer: NodeJS.Timeout | undefined
        await Promise.race([this.#nextArrival(), new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining))), args.signal])
        clearTimeout(timer)
      }
    }
    let delivered = 0
    let count = 0
    while (count < this.#items.length) {
      if (this.#items[count]!.commit !== undefined) {
        if (delivered === args.maxCommits) break
        delivered++
      }
      count++
    }
    const taken = this.#items.splice(0, count)
    this.#wakeReader?.()
    return taken
  }

  /** Stops reading the stream. */
  close(): void {
    this.#closed = true
    this.#abort.abort()
    this.#wakeReader?.()
    this.#wakeConsumer?.()
  }

  #deliverableCount(limit: number): number {
    let delivered = 0
    for (const item of this.#items) if (item.commit !== undefined && ++delivered >= limit) break
    return delivered
  }

  #nextArrival(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#wakeConsumer
      this.#wakeConsumer = () => {
        this.#wakeConsumer = undefined
        previous?.()
        resolve()
      }
    })
  }

  async #pump(): Promise<void> {
    const iterator = this.#args.db.commits({ from: this.#args.from, signal: this.#abort.signal })[Symbol.asyncIterator]()
    try {
      for (;;) {
        const asked = performance.now()
        const step = await iterator.next()
        if (step.done === true || this.#closed) break
        const commit = step.value
        this.#items.push({ txnId: commit.txnId, commit: this.#args.view(commit) })
        this.#lastReadTxnId = commit.txnId
        this.#wakeConsumer?.()
        while (this.#items.length >= this.#args.maxBuffered && !this.#closed) {
          await new Promise<void>((resolve) => (this.#wakeReader = resolve))
          this.#wakeReader = undefined
        }
        if (this.#closed) break
        // At the head the stream waited for this commit: let the next few commits pile up
        // and read them in one go instead of waking the log reader for every commit.
        if (this.#args.tailIntervalMs > 0 && performance.now() - asked >= 1) await new Promise((resolve) => setTimeout(resolve, this.#args.tailIntervalMs))
      }
    } catch (error) {
      if (!this.#closed) this.#args.onError(error)
    } finally {
      void iterator.return?.()
    }
  }
}
