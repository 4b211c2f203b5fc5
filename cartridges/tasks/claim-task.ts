import { LivingDbError } from '../../errors/index.js'
import type { CartridgeDatabase, CartridgeJson } from '../spec/index.js'
import type { TaskIndexEntry } from './apply-tasks.js'
import type { TasksCartridge } from './create-tasks-cartridge.js'
import { pendingTask } from './task-record.js'
import { tasksKeys } from './tasks-keys.js'

/** Arguments of {@link claimTask}. */
export interface ClaimTaskArgs {
  readonly db: CartridgeDatabase
  readonly cartridge: TasksCartridge
  readonly type: string
  /** Who claims: written to the task's `claimedBy`. */
  readonly worker: string
  /** Commit origin (default `app`). */
  readonly origin?: string
}

/** A claimed task: its key, the record as written by the claim, and the claim's txn id. */
export interface ClaimedTask {
  readonly key: string
  readonly record: { readonly [field: string]: CartridgeJson }
  readonly txnId: number
}

/**
 * Claims the highest-priority pending task of `type` in ONE `db.write`: it walks the
 * index in priority order, re-reads each task record inside the transaction (so an
 * entry the index has not caught up on is skipped), writes `status: 'claimed'` and
 * `claimedBy`, and drops the claimed (and any stale) entries from the index. Writes run
 * one at a time, so two claimers never get the same task. Resolves null when no
 * indexed task of that type is pending. Tasks become claimable once the cartridge has
 * caught up on them (`catchUp`/`follow`).
 */
export async function claimTask(args: ClaimTaskArgs): Promise<ClaimedTask | null> {
  if (typeof args.type !== 'string' || args.type.length === 0) throw new LivingDbError('INVALID_ARGUMENT', 'claimTask needs a non-empty task type, e.g. { type: "email" }.', { details: { option: 'type' } })
  if (typeof args.worker !== 'string' || args.worker.length === 0) throw new LivingDbError('INVALID_ARGUMENT', 'claimTask needs a non-empty worker id, e.g. { worker: "worker-1" }.', { details: { option: 'worker' } })
  const { keyspace, sourceKeyspace } = args.cartridge.taskIndex
  let claimed: { key: string; record: { [field: string]: CartridgeJson } } | undefined
  const result = await args.db.write((transaction) => {
    const index = transaction.keyspace(keyspace)
    const records = transaction.keyspace(sourceKeyspace)
    const drop: string[] = []
    for (const entry of index.scan({ prefix: tasksKeys.typePrefix(args.type) })) {
      const { key } = entry.value as unknown as TaskIndexEntry
      const record = records.get(key)
      drop.push(entry.key as string)
      if (pendingTask(record)?.type !== args.type) continue
      claimed = { key, record: { ...(record as { [field: string]: CartridgeJson }), status: 'claimed', claimedBy: args.worker } }
      records.put(key, claimed.record)
      break
    }
    for (const key of drop) index.delete(key)
  }, { origin: args.origin ?? 'app' })
  return claimed === undefined ? null : { ...claimed, txnId: result.txnId }
}
