import type { CartridgeKeyspaceWriter, CartridgeValue } from './cartridge-storage.js'

/**
 * A batch-local cache over one keyspace of the apply transaction, for cartridges that
 * touch the same keys many times per batch (a term's open postings segment, a counter).
 * Reads see earlier writes of the batch; `flush()` writes each changed key once. The
 * result is the same as writing through after every change, so batching never changes
 * the stored bytes.
 *
 * @example
 * const cache = new CartridgeWriteCache(transaction.keyspace('topics'))
 * cache.put('stats', { documents: 1 })
 * cache.flush()
 */
export class CartridgeWriteCache {
  private readonly values = new Map<string, CartridgeValue | undefined>()
  private readonly dirty = new Set<string>()

  constructor(readonly keyspace: CartridgeKeyspaceWriter) {}

  /** The value as of this batch's writes so far. */
  get(key: string): CartridgeValue | undefined {
    if (this.values.has(key)) return this.values.get(key)
    const value = this.keyspace.get(key)
    this.values.set(key, value)
    return value
  }

  put(key: string, value: CartridgeValue): void {
    this.values.set(key, value)
    this.dirty.add(key)
  }

  delete(key: string): void {
    this.values.set(key, undefined)
    this.dirty.add(key)
  }

  /** Writes every changed key to the transaction (in key order) and forgets the cache. */
  flush(): void {
    for (const key of [...this.dirty].sort()) {
      const value = this.values.get(key)
      if (value === undefined) this.keyspace.delete(key)
      else this.keyspace.put(key, value)
    }
    this.values.clear()
    this.dirty.clear()
  }
}
