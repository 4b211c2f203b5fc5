import type { CommitRecord } from '../log/commit-record.js'

/** The part of the commit log the engine uses (the on-disk `CommitLog` and {@link MemoryLog} both provide it). */
export interface CommitLogPort {
  readonly lastTxnId: number
  readonly firstTxnId: number
  append(record: CommitRecord): Promise<void>
  read(options: { readonly fromTxnId: number; readonly toTxnId?: number }): Iterable<CommitRecord>
  releaseBefore(txnId: number): void
  /** Makes every appended record durable now. */
  flush(): Promise<void>
  stats(): { segments: number; bytes: number; firstTxnId: number; lastTxnId: number }
  close(): Promise<void>
}

/**
 * The commit history of an in-memory database: records kept in an array, so
 * `commits()` and `readAt()` work the same as on disk. Nothing touches a file.
 */
export class MemoryLog implements CommitLogPort {
  private records: CommitRecord[] = []
  private bytes = 0

  get lastTxnId(): number {
    return this.records.at(-1)?.txnId ?? 0
  }

  get firstTxnId(): number {
    return this.records[0]?.txnId ?? 0
  }

  append(record: CommitRecord): Promise<void> {
    this.records.push(record)
    for (const operation of record.ops) this.bytes += operation.key.length + (operation.value?.length ?? 0) + 16
    return Promise.resolve()
  }

  *read(options: { readonly fromTxnId: number; readonly toTxnId?: number }): Iterable<CommitRecord> {
    const first = this.firstTxnId
    // txn ids are dense, so the index of a txn is its distance from the first one.
    for (let index = Math.max(0, options.fromTxnId - first); index < this.records.length; index++) {
      const record = this.records[index]!
      if (options.toTxnId !== undefined && record.txnId > options.toTxnId) return
      if (record.txnId >= options.fromTxnId) yield record
    }
  }

  releaseBefore(txnId: number): void {
    this.records = this.records.filter((record) => record.txnId >= txnId)
  }

  flush(): Promise<void> {
    return Promise.resolve()
  }

  stats(): { segments: number; bytes: number; firstTxnId: number; lastTxnId: number } {
    return { segments: 0, bytes: this.bytes, firstTxnId: this.firstTxnId, lastTxnId: this.lastTxnId }
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
