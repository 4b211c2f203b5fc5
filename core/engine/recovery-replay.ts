import { CorruptionError } from '../../errors/index.js'
import { copyRange } from '../codec/byte-slab.js'
import type { Node, OverflowRef } from '../btree/node.js'
import { type MutationContext, treePut, treeRemove } from '../btree/tree-mutation.js'
import { OPERATION_PUT, type OperationView, type ReplayVisitor } from '../log/index.js'
import type { PageFile } from '../pager/page-file.js'
import { PageType } from '../pager/page-format.js'
import type { KeyspaceRoot } from './database-state.js'

/** Generation of every node recovery creates: the replay owns them all, so it changes them in place. */
const REPLAY_GENERATION = 1

/** A keyspace while the replay changes it (one object per keyspace, not one per operation). */
interface ReplayRoot {
  root: Node | null
  count: number
}

/**
 * Applies the log tail after the checkpoint to the checkpoint's trees: the
 * recovery half of `open()`. It is a {@link ReplayVisitor}, so records are
 * never materialised as objects; every node it creates or copies belongs to
 * one write generation, so the whole replay is one big in-place batch (a
 * node is copied at most once, when it is first loaded from its page).
 *
 * @example
 * const replay = new RecoveryReplay({ pageFile, keyspaces, checkpointTxnId })
 * log.replay({ fromTxnId: checkpointTxnId + 1, visitor: replay })
 * const keyspaces = replay.keyspaces()
 */
export class RecoveryReplay implements ReplayVisitor {
  /** Last replayed txn id (the checkpoint's until a record is replayed). */
  txnId: number
  /** Commit time of {@link txnId}. */
  timestamp: number
  /** Log bytes replayed (keys, values and a per-operation allowance), for the next checkpoint's trigger. */
  replayedBytes = 0
  /** Pages of the checkpoint that the replay replaced (free once a later checkpoint is durable). */
  readonly freedPages: number[] = []
  private readonly roots = new Map<string, ReplayRoot>()
  private readonly context: MutationContext
  private readonly checkpointTxnId: number

  constructor(args: { readonly pageFile: PageFile; readonly keyspaces: ReadonlyMap<string, KeyspaceRoot>; readonly checkpointTxnId: number; readonly timestamp: number }) {
    const { pageFile } = args
    this.txnId = args.checkpointTxnId
    this.checkpointTxnId = args.checkpointTxnId
    this.timestamp = args.timestamp
    for (const [name, keyspace] of args.keyspaces) this.roots.set(name, { root: keyspace.root, count: keyspace.count })
    const freedPages = this.freedPages
    this.context = {
      limits: pageFile.limits,
      generation: REPLAY_GENERATION,
      loadNode: (page) => pageFile.loadNode(page),
      loadValue: (reference) => pageFile.loadValue(reference),
      freePage: (page) => freedPages.push(page),
      freeValue: (reference: OverflowRef) => freedPages.push(...pageFile.chainPages(PageType.OVERFLOW, reference.page)),
    }
  }

  readonly beginRecord = (txnId: number, timestamp: number): void => {
    if (txnId !== this.txnId + 1) {
      throw new CorruptionError(
        'CORRUPT_LOG',
        `The commit log jumps from txn ${this.txnId} to txn ${txnId}, but the page file's checkpoint is txn ${this.checkpointTxnId}: records are missing. Restore the missing log segments, or restore the page file and log together from a backup.`,
        { details: { expected: this.txnId + 1, found: txnId, checkpointTxnId: this.checkpointTxnId } },
      )
    }
    this.txnId = txnId
    this.timestamp = timestamp
  }

  readonly operation = (view: OperationView): void => {
    let keyspace = this.roots.get(view.keyspace)
    if (keyspace === undefined) {
      keyspace = { root: null, count: 0 }
      this.roots.set(view.keyspace, keyspace)
    }
    // The view points into the log reader's buffer, which is reused: the tree keeps copies.
    const key = copyRange(view.source, view.keyStart, view.keyEnd)
    const result =
      view.type === OPERATION_PUT
        ? treePut(this.context, keyspace.root, key, copyRange(view.source, view.valueStart, view.valueEnd))
        : treeRemove(this.context, keyspace.root, key)
    keyspace.root = result.root
    keyspace.count += result.countDelta
    this.replayedBytes += view.keyEnd - view.keyStart + (view.valueEnd - view.valueStart) + 24
  }

  /** The replayed keyspaces (immutable from here on: later writes copy on write). */
  keyspaces(): Map<string, KeyspaceRoot> {
    const keyspaces = new Map<string, KeyspaceRoot>()
    for (const [name, keyspace] of this.roots) keyspaces.set(name, { root: keyspace.root, count: keyspace.count })
    return keyspaces
  }
}
