import { keyComponent, padNumber } from '../spec/index.js'

const txn = (txnId: number): string => padNumber(txnId, 12)
const time = (timestamp: number): string => padNumber(Math.max(0, Math.floor(timestamp)), 15)

/**
 * The key layout of a history keyspace (`<k>` = encoded source key, `<e>` = encoded entity id):
 * - `v/<k>/<txn>` → {@link HistoryVersion}
 * - `t/<k>/<time>/<txn>` → txn id (versions by commit time)
 * - `k/<k>` → `{ key, versions, entity }` (per-key summary; the entity a delete belongs to)
 * - `e/<e>/<txn>/<k>`, `et/<e>/<time>/<txn>/<k>` → `{ key, txnId }` (versions per entity)
 * - `stats` → `[keys, versions]`
 */
export const historyKeys = {
  stats: 'stats',
  version: (key: string, txnId: number): string => `v/${keyComponent(key)}/${txn(txnId)}`,
  versionPrefix: (key: string): string => `v/${keyComponent(key)}/`,
  time: (key: string, timestamp: number, txnId: number): string => `t/${keyComponent(key)}/${time(timestamp)}/${txn(txnId)}`,
  timePrefix: (key: string): string => `t/${keyComponent(key)}/`,
  summary: (key: string): string => `k/${keyComponent(key)}`,
  entity: (entity: string, txnId: number, key: string): string => `e/${keyComponent(entity)}/${txn(txnId)}/${keyComponent(key)}`,
  entityPrefix: (entity: string): string => `e/${keyComponent(entity)}/`,
  entityTime: (entity: string, timestamp: number, txnId: number, key: string): string => `et/${keyComponent(entity)}/${time(timestamp)}/${txn(txnId)}/${keyComponent(key)}`,
  entityTimePrefix: (entity: string): string => `et/${keyComponent(entity)}/`,
  /** Bounds for scans: a txn or time as it appears in keys. */
  txnPart: txn,
  timePart: time,
} as const
