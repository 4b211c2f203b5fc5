import { CartridgeWriteCache, type CartridgeApplyArgs, type CartridgeJson, type Provenance, sourceKeyString } from '../spec/index.js'
import { pendingTask } from './task-record.js'
import { tasksKeys } from './tasks-keys.js'

/** One entry of the pending-task index. */
export interface TaskIndexEntry {
  readonly key: string
  readonly type: string
  readonly priority: number
  readonly provenance: Provenance
}

/** Where a task sits in the index (so an update or delete removes the old entry). */
export interface TaskForwardRecord {
  readonly indexKey: string
  readonly type: string
  readonly provenance: Provenance
}

/** Applies a batch: each task write moves its index entry; claimed, done or deleted tasks leave the index. */
export function applyTasks(keyspace: string, args: CartridgeApplyArgs): void {
  const cache = new CartridgeWriteCache(args.transaction.keyspace(keyspace))
  for (const commit of args.commits) {
    for (const operation of commit.ops) {
      const sourceKey = sourceKeyString(operation.key)
      if (sourceKey === undefined) continue
      const forwardKey = tasksKeys.forward(sourceKey)
      const previous = cache.get(forwardKey) as TaskForwardRecord | undefined
      if (previous !== undefined) {
        cache.delete(previous.indexKey)
        adjustCount(cache, previous.type, -1)
        cache.delete(forwardKey)
      }
      const task = operation.type === 'put' ? pendingTask(operation.value) : undefined
      if (task === undefined) continue
      const provenance: Provenance = { sourceKeyspace: operation.keyspace, sourceKey, txnId: commit.txnId, plugin: args.plugin, ledgerEntryId: null }
      const indexKey = tasksKeys.index(task.type, task.priority, sourceKey)
      const entry: TaskIndexEntry = { key: sourceKey, type: task.type, priority: task.priority, provenance }
      const forward: TaskForwardRecord = { indexKey, type: task.type, provenance }
      cache.put(indexKey, entry as unknown as CartridgeJson)
      cache.put(forwardKey, forward as unknown as CartridgeJson)
      adjustCount(cache, task.type, 1)
    }
  }
  cache.flush()
}

function adjustCount(cache: CartridgeWriteCache, type: string, delta: number): void {
  const key = tasksKeys.count(type)
  const next = ((cache.get(key) as { pending: number } | undefined)?.pending ?? 0) + delta
  if (next === 0) cache.delete(key)
  else cache.put(key, { type, pending: next })
}
