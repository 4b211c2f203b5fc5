import { LivingDbError } from '../../errors/index.js'
import { MAX_KEYSPACE_NAME_BYTES } from '../codec/limits.js'
import type { Node } from '../btree/node.js'
import { type MutationContext, treePut, treeRemove } from '../btree/tree-mutation.js'
import type { CommitRecord } from '../log/commit-record.js'

/** The keyspace user data lives in when no keyspace is named. */
export const DEFAULT_KEYSPACE = 'default'
/** Reserved for the system (plugin cursors, ledgers, settings). */
export const SYSTEM_KEYSPACE = 'sys'

/** One keyspace in one version of the database: its tree root and key count. */
export interface KeyspaceRoot {
  readonly root: Node | null
  readonly count: number
}

/** One immutable version of the whole database. */
export interface DatabaseState {
  readonly txnId: number
  /** Commit wall-clock time of `txnId` (0 for the empty database or a recovered checkpoint). */
  readonly timestamp: number
  readonly keyspaces: ReadonlyMap<string, KeyspaceRoot>
}

/** The empty database at txn 0. */
export const EMPTY_STATE: DatabaseState = Object.freeze({ txnId: 0, timestamp: 0, keyspaces: new Map<string, KeyspaceRoot>() })

const encoder = new TextEncoder()

/** Checks a keyspace name: 1..128 UTF-8 bytes, no control characters. Throws `KEYSPACE_INVALID`. */
export function validateKeyspaceName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || encoder.encode(name).length > MAX_KEYSPACE_NAME_BYTES || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new LivingDbError('KEYSPACE_INVALID', `Keyspace name ${JSON.stringify(name)} is invalid: use 1 to ${MAX_KEYSPACE_NAME_BYTES} bytes of printable UTF-8, e.g. "notes" or "cartridge:topics".`, {
      details: { name: typeof name === 'string' ? name : String(name) },
    })
  }
  return name
}

/**
 * Applies the operations of one commit record to a mutable keyspace map
 * (recovery and time-travel replay use this; the writer applies the same
 * operations as the callback runs).
 */
export function applyRecord(context: MutationContext, keyspaces: Map<string, KeyspaceRoot>, record: CommitRecord): void {
  for (const operation of record.ops) {
    const current = keyspaces.get(operation.keyspace) ?? { root: null, count: 0 }
    const result =
      operation.type === 'put' && operation.value !== undefined
        ? treePut(context, current.root, operation.key, operation.value)
        : treeRemove(context, current.root, operation.key)
    keyspaces.set(operation.keyspace, { root: result.root, count: current.count + result.countDelta })
  }
}
