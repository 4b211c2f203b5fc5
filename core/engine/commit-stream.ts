import { decodeKey, decodeKeyGuess, type Key } from '../codec/key-codec.js'
import { type Value, decodeValue, keyWasString } from '../codec/value-codec.js'
import type { CommitRecord } from '../log/commit-record.js'
import type { CommitLogPort } from './memory-log.js'

/** One operation of a {@link Commit}. */
export interface CommitOperation {
  readonly type: 'put' | 'delete'
  readonly keyspace: string
  /** The key as written (delete keys come back as strings when they are valid UTF-8). */
  readonly key: Key
  /** The value of a put. */
  readonly value?: Value
}

/** One entry of the commit stream. */
export interface Commit {
  readonly txnId: number
  /** Wall-clock commit time, ms since the epoch. */
  readonly timestamp: number
  /** `app`, `plugin:<name>`, `autonomy`... */
  readonly origin: string
  readonly ops: readonly CommitOperation[]
}

/** Decodes a stored commit record into the public {@link Commit} shape. */
export function toCommit(record: CommitRecord): Commit {
  return {
    txnId: record.txnId,
    timestamp: record.timestamp,
    origin: record.origin,
    ops: record.ops.map((operation) =>
      operation.type === 'put' && operation.value !== undefined
        ? { type: 'put' as const, keyspace: operation.keyspace, key: decodeKey(operation.key, keyWasString(operation.value)), value: decodeValue(operation.value) }
        : { type: 'delete' as const, keyspace: operation.keyspace, key: decodeKeyGuess(operation.key) },
    ),
  }
}

/** What {@link commitStream} reads from the database. */
export interface CommitStreamSource {
  readonly from: number
  readonly log: CommitLogPort
  readonly publishedTxnId: () => number
  readonly isClosed: () => boolean
  /** Resolves at the next publish or at close. */
  readonly waitForChange: () => Promise<void>
}

/** Yields logged commits from `from` on, then each new commit once it is published; ends when the database closes. */
export async function* commitStream(source: CommitStreamSource): AsyncGenerator<Commit> {
  let next = Math.max(0, Math.floor(source.from))
  while (!source.isClosed()) {
    const upTo = source.publishedTxnId()
    if (next > upTo) {
      await source.waitForChange()
      continue
    }
    for (const record of source.log.read({ fromTxnId: next, toTxnId: upTo })) {
      if (record.txnId > upTo) break
      next = record.txnId + 1
      yield toCommit(record)
      if (source.isClosed()) return
    }
    next = Math.max(next, upTo + 1)
  }
}
