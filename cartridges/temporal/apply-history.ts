import { CartridgeWriteCache, type CartridgeApplyArgs, type CartridgeJson, type Provenance, readJsonPath, sourceKeyString } from '../spec/index.js'
import { historyKeys } from './temporal-keys.js'

/** One version of a record. */
export interface HistoryVersion {
  readonly key: string
  readonly txnId: number
  /** Commit time, ms since the epoch. */
  readonly timestamp: number
  /** `put` wrote `value`; `delete` removed the record. */
  readonly type: 'put' | 'delete'
  /** The value written (bytes as `{ $base64 }`); absent for a delete. */
  readonly value?: CartridgeJson
  /** The entity id the record had (the entity field), or null. */
  readonly entity: string | null
  readonly provenance: Provenance
}

/** Per-key summary: how many versions, and the entity of the latest one. */
export interface HistorySummary {
  readonly key: string
  readonly versions: number
  readonly entity: string | null
}

/** What `apply` needs to know. */
export interface HistoryApplyConfig {
  readonly keyspace: string
  /** JSON path of an entity id field (`id`, `customer.id`), or undefined. */
  readonly entityField: string | undefined
}

function entityOf(value: unknown, field: string | undefined): string | null {
  if (field === undefined) return null
  const entity = readJsonPath(value, field)
  return typeof entity === 'string' && entity.length > 0 ? entity : typeof entity === 'number' && Number.isFinite(entity) ? String(entity) : null
}

function storable(value: unknown): CartridgeJson {
  return value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : (value as CartridgeJson)
}

/** Records one version per written or deleted key (the last operation on a key wins within a commit). */
export function applyHistory(config: HistoryApplyConfig, args: CartridgeApplyArgs): void {
  const cache = new CartridgeWriteCache(args.transaction.keyspace(config.keyspace))
  const stats = ((cache.get(historyKeys.stats) as [number, number] | undefined) ?? [0, 0]).slice() as [number, number]
  for (const commit of args.commits) {
    for (const operation of commit.ops) {
      const key = sourceKeyString(operation.key)
      if (key === undefined) continue
      const summaryKey = historyKeys.summary(key)
      const summary = cache.get(summaryKey) as HistorySummary | undefined
      const versionKey = historyKeys.version(key, commit.txnId)
      const repeated = cache.get(versionKey) !== undefined
      const entity = operation.type === 'put' ? entityOf(operation.value, config.entityField) : (summary?.entity ?? null)
      const provenance: Provenance = { sourceKeyspace: operation.keyspace, sourceKey: key, txnId: commit.txnId, plugin: args.plugin, ledgerEntryId: null }
      const version: HistoryVersion = {
        key,
        txnId: commit.txnId,
        timestamp: commit.timestamp,
        type: operation.type,
        ...(operation.type === 'put' ? { value: storable(operation.value) } : {}),
        entity,
        provenance,
      }
      if (repeated) {
        // A second operation on the key in the same commit replaces the first version (and its entity pointers).
        const first = cache.get(versionKey) as unknown as HistoryVersion
        if (first.entity !== null) {
          cache.delete(historyKeys.entity(first.entity, commit.txnId, key))
          cache.delete(historyKeys.entityTime(first.entity, commit.timestamp, commit.txnId, key))
        }
      }
      cache.put(versionKey, version as unknown as CartridgeJson)
      cache.put(historyKeys.time(key, commit.timestamp, commit.txnId), commit.txnId)
      if (entity !== null) {
        const pointer = { key, txnId: commit.txnId }
        cache.put(historyKeys.entity(entity, commit.txnId, key), pointer)
        cache.put(historyKeys.entityTime(entity, commit.timestamp, commit.txnId, key), pointer)
      }
      if (!repeated) stats[1]++
      if (summary === undefined) stats[0]++
      cache.put(summaryKey, { key, versions: (summary?.versions ?? 0) + (repeated ? 0 : 1), entity })
    }
  }
  cache.put(historyKeys.stats, stats)
  cache.flush()
}
