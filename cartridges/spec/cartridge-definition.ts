import type { CartridgeApplyArgs } from './cartridge-apply-args.js'
import type { CartridgeFact } from './cartridge-fact.js'
import type { CartridgeQueryOperation } from './cartridge-query.js'
import type { CartridgeRecipe } from './cartridge-recipe.js'
import type { CartridgeSource } from './cartridge-source.js'
import type { CartridgeJson, CartridgeReader } from './cartridge-storage.js'

/**
 * A cartridge, spec v1: a derived index kept up to date from the commit stream.
 *
 * Contract:
 * - `apply` is a pure function of (commits, the cartridge's own keyspaces): no clock,
 *   no randomness, no reads outside its keyspaces, so applying the commit stream in any
 *   batching gives the same bytes (the conformance suite checks this);
 * - it writes only its declared `keyspaces` and only through the transaction it is given;
 * - every stored fact carries {@link Provenance}, listed by `listFacts`;
 * - changing `formatVersion`, `modelId` or `fingerprint` makes the stored index stale:
 *   the runtime rebuilds it from the commit stream (`openCartridge`).
 *
 * @example
 * export const counter = defineCartridge({
 *   specificationVersion: 'v1', name: 'counter', version: '1.0.0', formatVersion: 1,
 *   keyspaces: ['counter'], sources: [{ keyspace: 'default', prefix: 'notes/' }],
 *   apply({ commits, transaction, plugin }) {
 *     const space = transaction.keyspace('counter')
 *     for (const commit of commits) for (const op of commit.ops) {
 *       const provenance = { sourceKeyspace: op.keyspace, sourceKey: String(op.key), txnId: commit.txnId, plugin, ledgerEntryId: null }
 *       if (op.type === 'put') space.put(`seen/${String(op.key)}`, { provenance })
 *       else space.delete(`seen/${String(op.key)}`)
 *     }
 *   },
 *   queries: [],
 *   stats: ({ reader }) => ({ seen: [...reader.keyspace('counter').scan({ prefix: 'seen/' })].length }),
 *   *listFacts({ reader }) {
 *     for (const { key, value } of reader.keyspace('counter').scan({ prefix: 'seen/' }))
 *       yield { keyspace: 'counter', key: String(key), provenance: (value as any).provenance }
 *   },
 * })
 */
export interface CartridgeV1 {
  readonly specificationVersion: 'v1'
  /** Lower-case letters, digits, `_` and `-`; unique within a database. */
  readonly name: string
  /** Semver of the cartridge code; recorded as provenance `plugin` (`name@version`). */
  readonly version: string
  /** Bump when the stored layout changes: a stored index of another format is rebuilt. */
  readonly formatVersion: number
  /** The model the derived facts depend on (null without a model): a change triggers a rebuild. */
  readonly modelId?: string | null
  /** The config that shapes the stored bytes (fields, prefixes...): a change triggers a rebuild. */
  readonly fingerprint?: CartridgeJson
  /**
   * Optional: how to recreate the cartridge from plain JSON (a registered kind and its
   * options), so tools without the app's code (`livingdb cartridges rebuild`) can open it.
   */
  readonly recipe?: CartridgeRecipe
  /** The keyspaces the cartridge owns; the first one also holds its `meta` key. */
  readonly keyspaces: readonly string[]
  /** The records it derives from; `apply` only sees operations on these. */
  readonly sources: readonly CartridgeSource[]
  /** Applies a batch of commits inside the host's transaction. May be async (model calls). */
  apply(args: CartridgeApplyArgs): void | Promise<void>
  /** The typed query operations a planner may call. */
  readonly queries: readonly CartridgeQueryOperation<any, any>[]
  /** Counts and sizes for `livingdb cartridges stats` (plain JSON). */
  stats(args: { readonly reader: CartridgeReader }): { readonly [key: string]: CartridgeJson }
  /** Every derived fact with its provenance (for audits and the conformance suite). */
  listFacts(args: { readonly reader: CartridgeReader }): Iterable<CartridgeFact>
}

/** Any cartridge this runtime understands. */
export type Cartridge = CartridgeV1
