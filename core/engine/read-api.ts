import { LivingDbError } from '../../errors/index.js'
import { type Key, decodeKey, encodeKey, encodeKeyInto } from '../codec/key-codec.js'
import { type Value, decodeValue, keyWasString } from '../codec/value-codec.js'
import { type NodeSource, resolveValue } from '../btree/node.js'
import { treeGet } from '../btree/tree-mutation.js'
import { type ByteRange, TreeCursor } from '../btree/tree-cursor.js'
import type { KeyspaceRoot } from './database-state.js'

/** Range options of `scan` (all optional, combined with AND). */
export interface ScanOptions {
  readonly gt?: Key
  readonly gte?: Key
  readonly lt?: Key
  readonly lte?: Key
  /** Only keys that start with this prefix. */
  readonly prefix?: Key
  /** Descending key order. */
  readonly reverse?: boolean
  /** At most this many entries. */
  readonly limit?: number
}

/** One entry of a scan: the key as it was written (string or bytes) and the value. */
export interface Entry {
  readonly key: Key
  readonly value: Value
}

/** Read operations over one keyspace at one version. */
export interface KeyspaceReader {
  /** The value of `key`, or undefined. */
  get(key: Key): Value | undefined
  /** Entries in key order (bytewise), within the range. */
  scan(options?: ScanOptions): IterableIterator<Entry>
}

const scratch = new Uint8Array(2048 * 3)
const encoder = new TextEncoder()

/** Reads one key from a tree root; allocation-free key encoding for ASCII strings. */
export function readValue(source: NodeSource, keyspace: KeyspaceRoot | undefined, key: Key): Value | undefined {
  const root = keyspace?.root ?? null
  const maxKeyBytes = source.limits.maxKeyBytes
  let stored
  if (typeof key === 'string') {
    const length = encodeKeyInto(key, scratch)
    stored = length > 0 && length <= maxKeyBytes ? treeGet(source, root, scratch, length) : treeGet(source, root, encodeKey(key, maxKeyBytes))
  } else if (key instanceof Uint8Array && key.length > 0 && key.length <= maxKeyBytes) {
    stored = treeGet(source, root, key)
  } else {
    stored = treeGet(source, root, encodeKey(key, maxKeyBytes))
  }
  return stored === undefined ? undefined : decodeValue(resolveValue(source, stored))
}

function boundBytes(name: string, key: Key | undefined): Uint8Array | undefined {
  if (key === undefined) return undefined
  if (typeof key === 'string') return encoder.encode(key)
  if (key instanceof Uint8Array) return key
  throw new LivingDbError('INVALID_ARGUMENT', `scan option ${name} must be a string or Uint8Array.`, { details: { option: name } })
}

/** Converts API scan options to stored-byte bounds; `INVALID_ARGUMENT` on bad types. */
export function toByteRange(options: ScanOptions = {}): ByteRange {
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0)) {
    throw new LivingDbError('INVALID_ARGUMENT', `scan option limit must be an integer >= 0, got ${String(options.limit)}.`, { details: { option: 'limit' } })
  }
  return {
    gt: boundBytes('gt', options.gt),
    gte: boundBytes('gte', options.gte),
    lt: boundBytes('lt', options.lt),
    lte: boundBytes('lte', options.lte),
    prefix: boundBytes('prefix', options.prefix),
    reverse: options.reverse === true,
    limit: options.limit,
  }
}

/** Iterates decoded entries of one tree version. `onEnd` runs once when iteration stops. */
export class EntryIterator implements IterableIterator<Entry> {
  private readonly cursor: TreeCursor
  private ended = false

  constructor(private readonly source: NodeSource, keyspace: KeyspaceRoot | undefined, range: ByteRange, private readonly onEnd?: () => void) {
    this.cursor = new TreeCursor(source, keyspace?.root ?? null, range)
  }

  [Symbol.iterator](): this {
    return this
  }

  next(): IteratorResult<Entry> {
    if (this.ended) return { done: true, value: undefined }
    let found: boolean
    try {
      found = this.cursor.advance()
    } catch (error) {
      this.end()
      throw error
    }
    if (!found) {
      this.end()
      return { done: true, value: undefined }
    }
    const encoded = resolveValue(this.source, this.cursor.currentValue())
    return { done: false, value: { key: decodeKey(this.cursor.currentKey(), keyWasString(encoded)), value: decodeValue(encoded) } }
  }

  return(): IteratorResult<Entry> {
    this.cursor.return()
    this.end()
    return { done: true, value: undefined }
  }

  private end(): void {
    if (this.ended) return
    this.ended = true
    this.onEnd?.()
  }
}
