import { type CartridgeV1, defineCartridge } from '../spec/index.js'
import { applyHistory, type HistoryVersion } from './apply-history.js'
import { historyQueries } from './history-queries.js'
import { historyKeys } from './temporal-keys.js'

/** Options of {@link createHistoryCartridge}. */
export interface HistoryCartridgeOptions {
  /** Cartridge name (default `history`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** The records to track (default: every key of the default keyspace). */
  readonly source?: { readonly keyspace?: string; readonly prefix?: string }
  /** JSON path of an entity id field: versions are also listed per entity. */
  readonly entityField?: string
}

/** The version recorded in provenance. */
export const HISTORY_CARTRIDGE_VERSION = '1.0.0'

/**
 * Temporal history: every version of every tracked record (and, with `entityField`,
 * per entity), with `versions`, `asOf` (txn id or time) and `between` queries, all
 * O(log n + results) range scans. Values are stored with each version, so history
 * reaches further back than the engine's time-travel window.
 *
 * @example
 * const history = await openCartridge({ db, cartridge: createHistoryCartridge({ source: { prefix: 'customers/' }, entityField: 'id' }) })
 * history.query('asOf', { key: 'customers/7', time: Date.parse('2026-01-01') })
 */
export function createHistoryCartridge(options: HistoryCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'history'
  const keyspace = options.keyspace ?? name
  const source = { keyspace: options.source?.keyspace ?? 'default', prefix: options.source?.prefix ?? '' }
  const entityField = options.entityField
  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: HISTORY_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId: null,
    fingerprint: { source, entityField: entityField ?? null },
    recipe: { kind: 'history', options: { name, keyspace, source, ...(entityField === undefined ? {} : { entityField }) } },
    keyspaces: [keyspace],
    sources: [source],
    apply: (args) => applyHistory({ keyspace, entityField }, args),
    queries: historyQueries(keyspace),
    stats({ reader }) {
      const [keys, versions] = (reader.keyspace(keyspace).get(historyKeys.stats) as [number, number] | undefined) ?? [0, 0]
      return { keys, versions, entityField: entityField ?? null }
    },
    *listFacts({ reader }) {
      for (const entry of reader.keyspace(keyspace).scan({ prefix: 'v/' })) yield { keyspace, key: entry.key as string, provenance: (entry.value as unknown as HistoryVersion).provenance }
    },
  })
}
