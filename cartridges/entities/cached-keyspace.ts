import { type CartridgeKey, type CartridgeKeyspaceWriter, type CartridgeScanOptions, type CartridgeValue, CartridgeWriteCache } from '../spec/index.js'

/**
 * A keyspace writer that keeps the keys under `cachedPrefixes` (hot records such as
 * entities and names) decoded for the whole batch and writes each changed one once, at
 * `flush()`. A scan that could reach a cached key flushes first, so reads always see
 * every write. The stored bytes are the same as writing through.
 */
export class CachedKeyspace implements CartridgeKeyspaceWriter {
  private readonly cache: CartridgeWriteCache

  constructor(
    private readonly inner: CartridgeKeyspaceWriter,
    private readonly cachedPrefixes: readonly string[],
  ) {
    this.cache = new CartridgeWriteCache(inner)
  }

  private cached(key: CartridgeKey): key is string {
    return typeof key === 'string' && this.cachedPrefixes.some((prefix) => key.startsWith(prefix))
  }

  get(key: CartridgeKey): CartridgeValue | undefined {
    return this.cached(key) ? this.cache.get(key) : this.inner.get(key)
  }

  put(key: CartridgeKey, value: CartridgeValue): void {
    if (this.cached(key)) this.cache.put(key, value)
    else this.inner.put(key, value)
  }

  delete(key: CartridgeKey): void {
    if (this.cached(key)) this.cache.delete(key)
    else this.inner.delete(key)
  }

  scan(options?: CartridgeScanOptions): IterableIterator<{ readonly key: CartridgeKey; readonly value: CartridgeValue }> {
    const prefix = typeof options?.prefix === 'string' ? options.prefix : undefined
    if (prefix === undefined || this.cachedPrefixes.some((cached) => cached.startsWith(prefix) || prefix.startsWith(cached))) this.cache.flush()
    return this.inner.scan(options)
  }

  /** Writes every changed cached key to the transaction. */
  flush(): void {
    this.cache.flush()
  }
}
