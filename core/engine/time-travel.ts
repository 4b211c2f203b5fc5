import { LivingDbError } from '../../errors/index.js'
import type { NodeSource } from '../btree/node.js'
import type { MutationContext } from '../btree/tree-mutation.js'
import { EMPTY_STATE, type DatabaseState, type KeyspaceRoot, applyRecord } from './database-state.js'
import type { CommitLogPort } from './memory-log.js'
import { MemorySource } from './memory-source.js'

/** Options of {@link TimeTravel}. */
export interface TimeTravelOptions {
  readonly source: NodeSource
  readonly log: CommitLogPort
  /** How many superseded versions stay directly readable. */
  readonly windowTxns: number
  /** ...as long as the nodes only they keep alive are estimated below this many bytes (older ones are dropped first). */
  readonly windowBytes: number
  readonly nextGeneration: () => number
}

/**
 * Old versions for `readAt`: the last `windowTxns` superseded versions are
 * kept as roots (their pages are not reused while retained); anything older
 * is rebuilt by replaying the commit log from txn 1 into an in-memory tree.
 * The latest rebuilt version is cached, and a later request continues from it.
 */
export class TimeTravel {
  private readonly retained: DatabaseState[] = []
  /** Estimated heap each retained version alone keeps alive, parallel to `retained`. */
  private readonly retainedBytes: number[] = []
  private totalRetainedBytes = 0
  private replayed: DatabaseState | undefined
  private readonly memory: MemorySource

  constructor(private readonly options: TimeTravelOptions) {
    this.memory = new MemorySource(options.source.limits)
  }

  /**
   * Keeps a superseded version in the window; `bytes` estimates the nodes only
   * it keeps alive. The oldest versions leave first when the window holds more
   * than `windowTxns` versions or more than `windowBytes` (a version larger
   * than that alone, e.g. the one before a bulk write, is not kept): a readAt
   * of a version that left is rebuilt from the log.
   */
  retire(state: DatabaseState, bytes: number): void {
    if (this.options.windowTxns === 0) return
    this.retained.push(state)
    this.retainedBytes.push(bytes)
    this.totalRetainedBytes += bytes
    while (this.retained.length > 0 && (this.retained.length > this.options.windowTxns || this.totalRetainedBytes > this.options.windowBytes)) {
      this.retained.shift()
      this.totalRetainedBytes -= this.retainedBytes.shift()!
    }
  }

  /** The versions kept in the window, oldest first. */
  retainedStates(): readonly DatabaseState[] {
    return this.retained
  }

  /** The oldest retained txn id (its pages must not be reused), or undefined. */
  oldestRetainedTxn(): number | undefined {
    return this.retained[0]?.txnId
  }

  /** The database as of `txnId`; `TXN_NOT_FOUND` past the latest commit or before the log's history. */
  stateAt(txnId: number, latest: DatabaseState): DatabaseState {
    if (!Number.isSafeInteger(txnId) || txnId < 0) {
      throw new LivingDbError('INVALID_ARGUMENT', `readAt needs a txn id (an integer >= 0), got ${String(txnId)}.`, { details: { txnId } })
    }
    if (txnId === latest.txnId) return latest
    if (txnId > latest.txnId) {
      throw new LivingDbError('TXN_NOT_FOUND', `Txn ${txnId} does not exist yet: the latest commit is txn ${latest.txnId}.`, { details: { txnId, latest: latest.txnId } })
    }
    if (txnId === 0) return EMPTY_STATE
    for (const state of this.retained) if (state.txnId === txnId) return state
    return this.replay(txnId)
  }

  private replay(txnId: number): DatabaseState {
    const log = this.options.log
    let base = this.replayed !== undefined && this.replayed.txnId <= txnId ? this.replayed : EMPTY_STATE
    if (base === EMPTY_STATE && log.firstTxnId !== 1) {
      throw new LivingDbError('TXN_NOT_FOUND', `Txn ${txnId} is older than the commit log's history (it starts at txn ${log.firstTxnId}), so it cannot be rebuilt. Keep the whole log (logRetention: 'all') to read any past version.`, {
        details: { txnId, firstTxnId: log.firstTxnId },
      })
    }
    if (base.txnId === txnId) return base
    const generation = this.options.nextGeneration()
    const context: MutationContext = {
      limits: this.memory.limits,
      generation,
      loadNode: (page) => this.memory.loadNode(page),
      loadValue: (reference) => this.memory.loadValue(reference),
      freePage: () => undefined,
      freeValue: () => undefined,
    }
    const keyspaces = new Map<string, KeyspaceRoot>(base.keyspaces)
    let expected = base.txnId + 1
    let timestamp = base.timestamp
    for (const record of log.read({ fromTxnId: expected, toTxnId: txnId })) {
      if (record.txnId !== expected) break
      applyRecord(context, keyspaces, record)
      timestamp = record.timestamp
      expected++
    }
    if (expected !== txnId + 1) {
      throw new LivingDbError('TXN_NOT_FOUND', `Txn ${txnId} cannot be rebuilt: the commit log has no record of txn ${expected}.`, { details: { txnId, missing: expected } })
    }
    // Values in replayed trees are inline bytes (never overflow references), so the memory source is never asked for pages.
    this.replayed = { txnId, timestamp, keyspaces }
    return this.replayed
  }
}
