import { LivingDbError } from '../../errors/index.js'
import { type Key, encodeKey } from '../codec/key-codec.js'
import { type Value, encodeValue } from '../codec/value-codec.js'
import type { PageLimits } from '../codec/limits.js'
import type { Node, NodeSource, OverflowRef } from '../btree/node.js'
import { type MutationContext, treePut, treeRemove } from '../btree/tree-mutation.js'
import type { LogOperation } from '../log/commit-record.js'
import { DEFAULT_KEYSPACE, type DatabaseState, type KeyspaceRoot, validateKeyspaceName } from './database-state.js'
import { EntryIterator, type Entry, type KeyspaceReader, type ScanOptions, readValue, toByteRange } from './read-api.js'

/** Reads and buffered writes over one keyspace inside a write transaction. */
export interface TransactionKeyspace extends KeyspaceReader {
  /** Stores `value` under `key` (visible to this transaction's reads at once). */
  put(key: Key, value: Value): void
  /** Removes `key` (a missing key is not an error). */
  delete(key: Key): void
}

/**
 * The object a `write()` callback receives. Reads see the transaction's own
 * writes. Everything commits atomically when the callback returns, or nothing
 * does when it throws.
 *
 * @example
 * await db.write(tx => {
 *   tx.put('notes/1', { text: 'hi' })
 *   tx.keyspace('tags').put('hi', ['notes/1'])
 * })
 */
export interface Transaction extends TransactionKeyspace {
  /** Who writes: `app` (default) or `plugin:<name>`; recorded in the commit. */
  readonly origin: string
  /** The same operations on another keyspace, in this transaction. */
  keyspace(name: string): TransactionKeyspace
}

/** What a transaction needs from the database. */
export interface TransactionHost {
  readonly source: NodeSource
  /** A fresh, never-used write generation (nodes with it are owned by the caller). */
  nextGeneration(): number
}

/**
 * The {@link MutationContext} of one write transaction. A class (methods on
 * the prototype) rather than an object of closures, so starting a
 * transaction allocates one small object instead of five functions.
 */
class TransactionContext implements MutationContext {
  readonly limits: PageLimits
  generation: number
  readonly freedPages: number[] = []
  readonly freedValues: OverflowRef[] = []

  constructor(private readonly host: TransactionHost) {
    this.limits = host.source.limits
    this.generation = host.nextGeneration()
  }

  loadNode(page: number): Node {
    return this.host.source.loadNode(page)
  }

  loadValue(reference: OverflowRef): Uint8Array {
    return this.host.source.loadValue(reference)
  }

  freePage(page: number): void {
    this.freedPages.push(page)
  }

  freeValue(reference: OverflowRef): void {
    this.freedValues.push(reference)
  }
}

/** The engine-side transaction: collects operations and applies them copy-on-write to private roots. */
export class WriteTransaction implements Transaction {
  readonly ops: LogOperation[] = []
  readonly keyspaces: Map<string, KeyspaceRoot>
  private finished = false
  private readonly context: TransactionContext
  private views: Map<string, TransactionKeyspace> | undefined

  constructor(private readonly host: TransactionHost, base: DatabaseState, readonly origin: string, private readonly defaultKeyspace: string = DEFAULT_KEYSPACE) {
    this.keyspaces = new Map(base.keyspaces)
    this.context = new TransactionContext(host)
  }

  /** Pages of stored nodes this transaction replaced (free once no reader needs them). */
  get freedPages(): readonly number[] {
    return this.context.freedPages
  }

  /** Overflow values this transaction removed or replaced. */
  get freedValues(): readonly OverflowRef[] {
    return this.context.freedValues
  }

  /** Ends the transaction; later calls throw `TXN_FINISHED`. */
  finish(): void {
    this.finished = true
  }

  put(key: Key, value: Value): void {
    this.putIn(this.defaultKeyspace, key, value)
  }

  delete(key: Key): void {
    this.deleteIn(this.defaultKeyspace, key)
  }

  get(key: Key): Value | undefined {
    return this.getIn(this.defaultKeyspace, key)
  }

  scan(options?: ScanOptions): IterableIterator<Entry> {
    return this.scanIn(this.defaultKeyspace, options)
  }

  keyspace(name: string): TransactionKeyspace {
    this.assertOpen()
    validateKeyspaceName(name)
    this.views ??= new Map()
    let view = this.views.get(name)
    if (view === undefined) {
      view = {
        put: (key, value) => this.putIn(name, key, value),
        delete: (key) => this.deleteIn(name, key),
        get: (key) => this.getIn(name, key),
        scan: (options) => this.scanIn(name, options),
      }
      this.views.set(name, view)
    }
    return view
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new LivingDbError('TXN_FINISHED', 'This transaction already committed or rolled back. Do all reads and writes inside the write() callback, before it returns.')
    }
  }

  private putIn(keyspace: string, key: Key, value: Value): void {
    this.assertOpen()
    const keyBytes = encodeKey(key, this.host.source.limits.maxKeyBytes)
    const encoded = encodeValue(value, typeof key === 'string')
    const current = this.keyspaces.get(keyspace) ?? { root: null, count: 0 }
    const result = treePut(this.context, current.root, keyBytes, encoded)
    this.keyspaces.set(keyspace, { root: result.root, count: current.count + result.countDelta })
    this.ops.push({ type: 'put', keyspace, key: keyBytes, value: encoded })
  }

  private deleteIn(keyspace: string, key: Key): void {
    this.assertOpen()
    const keyBytes = encodeKey(key, this.host.source.limits.maxKeyBytes)
    const current = this.keyspaces.get(keyspace)
    if (current === undefined) return
    const result = treeRemove(this.context, current.root, keyBytes)
    if (result.countDelta === 0) return
    this.keyspaces.set(keyspace, { root: result.root, count: current.count + result.countDelta })
    this.ops.push({ type: 'delete', keyspace, key: keyBytes })
  }

  private getIn(keyspace: string, key: Key): Value | undefined {
    this.assertOpen()
    return readValue(this.host.source, this.keyspaces.get(keyspace), key)
  }

  private scanIn(keyspace: string, options?: ScanOptions): IterableIterator<Entry> {
    this.assertOpen()
    // Later writes in this transaction must not change nodes this cursor holds: move to a new generation so they copy.
    this.context.generation = this.host.nextGeneration()
    return new EntryIterator(this.host.source, this.keyspaces.get(keyspace), toByteRange(options))
  }
}
