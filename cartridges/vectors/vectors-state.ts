import { createHash } from 'node:crypto'
import type { CartridgeJson, CartridgeKeyspaceReader } from '../spec/index.js'
import { vectorsKeys } from './vectors-keys.js'

/** The `state` record of a vectors keyspace. */
export interface VectorsState {
  /** Vector length, fixed by the option or by the first vector indexed (null before). */
  readonly dimensions: number | null
  /** Node slots used (live nodes plus tombstones). */
  readonly nodes: number
  readonly live: number
  /** Records refused (see the `r/` facts). */
  readonly rejected: number
  readonly entry: number
  readonly maxLevel: number
  /**
   * A hash chained over every operation applied so far: two indexes with the same
   * token hold the same bytes, which is what the in-memory graph cache keys on.
   */
  readonly token: string
}

/** The state of an index nothing was applied to. */
export const EMPTY_STATE: VectorsState = { dimensions: null, nodes: 0, live: 0, rejected: 0, entry: -1, maxLevel: -1, token: 'empty' }

/** Reads the state record (the empty state when there is none). */
export function readVectorsState(keyspace: CartridgeKeyspaceReader): VectorsState {
  const stored = keyspace.get(vectorsKeys.state) as unknown as VectorsState | undefined
  return stored ?? EMPTY_STATE
}

/** The state as stored JSON. */
export function stateValue(state: VectorsState): CartridgeJson {
  return { ...state }
}

/** The next history token: the previous one hashed with one operation (txn, type, key, and the record's bytes). */
export function chainToken(args: { readonly previous: string; readonly txnId: number; readonly type: 'put' | 'delete'; readonly key: string; readonly vector?: Float32Array; readonly metadata?: unknown }): string {
  const hash = createHash('sha256')
  hash.update(`${args.previous}\u0000${args.txnId}\u0000${args.type}\u0000${args.key}\u0000`)
  if (args.vector !== undefined) hash.update(new Uint8Array(args.vector.buffer, args.vector.byteOffset, args.vector.byteLength))
  if (args.metadata !== undefined) hash.update(JSON.stringify(args.metadata))
  return hash.digest('base64url').slice(0, 24)
}
