import type { HostCommit, HostCommitOperation, HostKey, HostKeyspaceReader, HostSnapshot, HostWriteTransaction, PluginHostDatabase } from '../host-database.js'

/**
 * TEST SUPPORT ONLY: an in-memory database with the engine's contract (ordered commits,
 * origins, keyspaces, snapshots at any txn id, a live commit stream), so host unit tests
 * run fast and in isolation. Durability and crash tests use the real engine.
 */
export class MemoryDatabase implements PluginHostDatabase {
  readonly log: HostCommit[] = []
  readonly #versions = new Map<string, Map<string, { txnId: number; value: unknown }[]>>()
  #waiters: (() => void)[] = []
  #queue: Promise<unknown> = Promise.resolve()

  get head(): number {
    return this.log.length
  }

  write(build: (transaction: HostWriteTransaction) => void, options: { readonly origin: string }): Promise<{ txnId: number }> {
    const run = async () => {
      const ops: HostCommitOperation[] = []
      const writer = (keyspace: string | undefined) => ({
        put: (key: HostKey, value: unknown) => void ops.push({ type: 'put', ...(keyspace === undefined ? {} : { keyspace }), key: String(key), value: structuredClone(value) }),
        delete: (key: HostKey) => void ops.push({ type: 'delete', ...(keyspace === undefined ? {} : { keyspace }), key: String(key) }),
      })
      build({ ...writer(undefined), keyspace: (name: string) => writer(name) })
      const txnId = this.log.length + 1
      for (const operation of ops) {
        const keyspace = this.#keyspace(operation.keyspace ?? 'default')
        const history = keyspace.get(String(operation.key)) ?? []
        history.push({ txnId, value: operation.type === 'put' ? operation.value : undefined })
        keyspace.set(String(operation.key), history)
      }
      this.log.push({ txnId, timestamp: Date.now(), origin: options.origin, ops })
      const waiters = this.#waiters
      this.#waiters = []
      for (const wake of waiters) wake()
      return { txnId }
    }
    const result = this.#queue.then(run)
    this.#queue = result.catch(() => undefined)
    return result
  }

  read<T>(use: (snapshot: HostSnapshot) => T): T {
    return use(this.#snapshot(this.log.length))
  }

  readAt<T>(txnId: number, use: (snapshot: HostSnapshot) => T): T {
    if (txnId > this.log.length) throw new Error(`txn ${txnId} is not committed`)
    return use(this.#snapshot(txnId))
  }

  async *commits(options: { readonly from: number; readonly signal?: AbortSignal }): AsyncIterable<HostCommit> {
    let next = Math.max(1, options.from)
    while (options.signal?.aborted !== true) {
      if (next <= this.log.length) {
        yield this.log[next - 1]!
        next++
        continue
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve()
        this.#waiters.push(() => {
          options.signal?.removeEventListener('abort', onAbort)
          resolve()
        })
        options.signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  #keyspace(name: string): Map<string, { txnId: number; value: unknown }[]> {
    let keyspace = this.#versions.get(name)
    if (keyspace === undefined) this.#versions.set(name, (keyspace = new Map()))
    return keyspace
  }

  #snapshot(txnId: number): HostSnapshot {
    const reader = (name: string): HostKeyspaceReader => ({
      get: (key) => valueAt(this.#versions.get(name)?.get(String(key)), txnId),
      scan: ({ prefix, limit }) => {
        const entries = [...(this.#versions.get(name) ?? new Map<string, { txnId: number; value: unknown }[]>())]
          .filter(([key]) => key.startsWith(String(prefix ?? '')))
          .map(([key, history]) => ({ key, value: valueAt(history, txnId) }))
          .filter((entry) => entry.value !== undefined)
          .sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
        return entries.slice(0, limit ?? entries.length)
      },
    })
    return { txnId, ...reader('default'), keyspace: reader }
  }
}

function valueAt(history: { txnId: number; value: unknown }[] | undefined, txnId: number): unknown {
  if (history === undefined) return undefined
  for (let index = history.length - 1; index >= 0; index--) if (history[index]!.txnId <= txnId) return history[index]!.value
  return undefined
}
