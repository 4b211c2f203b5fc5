import type { Key } from '../codec/key-codec.js'
import type { Value } from '../codec/value-codec.js'
import type { Database, WriteOptions, WriteResult } from './database.js'
import type { Entry, KeyspaceReader, ScanOptions } from './read-api.js'
import type { Transaction } from './write-transaction.js'

/**
 * A named B+tree in the same database file, with the same API as the
 * database itself. `db.keyspace('tags').write(tx => ...)` makes `tx.put`
 * target `tags`; `tx.keyspace(other)` still reaches any keyspace atomically.
 */
export class Keyspace implements KeyspaceReader {
  constructor(private readonly database: Database, readonly name: string) {}

  get(key: Key): Value | undefined {
    return this.database.getIn(this.name, key)
  }

  scan(options?: ScanOptions): IterableIterator<Entry> {
    return this.database.scanIn(this.name, options)
  }

  write(callback: (transaction: Transaction) => unknown, options?: WriteOptions): Promise<WriteResult> {
    return this.database.writeIn(this.name, callback, options)
  }

  put(key: Key, value: Value, options?: WriteOptions): Promise<WriteResult> {
    return this.write((transaction) => transaction.put(key, value), options)
  }

  delete(key: Key, options?: WriteOptions): Promise<WriteResult> {
    return this.write((transaction) => transaction.delete(key), options)
  }
}
