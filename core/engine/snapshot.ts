import { LivingDbError } from '../../errors/index.js'
import type { Key } from '../codec/key-codec.js'
import type { Value } from '../codec/value-codec.js'
import type { NodeSource } from '../btree/node.js'
import { DEFAULT_KEYSPACE, type DatabaseState, validateKeyspaceName } from './database-state.js'
import { EntryIterator, type Entry, type KeyspaceReader, type ScanOptions, readValue, toByteRange } from './read-api.js'

/**
 * One immutable version of the database, handed to `db.read()` and
 * `db.readAt()` callbacks. Valid only until the callback returns (or its
 * promise settles); later use throws `TXN_FINISHED`.
 */
export class Snapshot implements KeyspaceReader {
  private closed = false

  constructor(private readonly source: NodeSource, private readonly state: DatabaseState, private readonly defaultKeyspace: string = DEFAULT_KEYSPACE) {}

  /** The txn id this snapshot shows (0 = the empty database). */
  get txnId(): number {
    return this.state.txnId
  }

  /** Commit time of {@link txnId} in ms since the epoch (0 when unknown). */
  get timestamp(): number {
    return this.state.timestamp
  }

  get(key: Key): Value | undefined {
    return this.getIn(this.defaultKeyspace, key)
  }

  scan(options?: ScanOptions): IterableIterator<Entry> {
    return this.scanIn(this.defaultKeyspace, options)
  }

  /** Reads of another keyspace at the same version. */
  keyspace(name: string): KeyspaceReader {
    validateKeyspaceName(name)
    return { get: (key) => this.getIn(name, key), scan: (options) => this.scanIn(name, options) }
  }

  /** Names of the keyspaces that exist at this version. */
  keyspaces(): string[] {
    return [...this.state.keyspaces.keys()].sort()
  }

  /** Ends the snapshot (called by the database when the callback is done). */
  close(): void {
    this.closed = true
  }

  private assertOpen(): void {
    if (this.closed) throw new LivingDbError('TXN_FINISHED', 'This snapshot was used after its read() callback returned. Do all reads inside the callback.')
  }

  private getIn(name: string, key: Key): Value | undefined {
    this.assertOpen()
    return readValue(this.source, this.state.keyspaces.get(name), key)
  }

  private scanIn(name: string, options?: ScanOptions): IterableIterator<Entry> {
    this.assertOpen()
    return new EntryIterator(this.source, this.state.keyspaces.get(name), toByteRange(options))
  }
}
