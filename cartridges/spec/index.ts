/**
 * Cartridge spec v1 and its runtime: what a cartridge declares (`CartridgeV1`), how it is
 * applied inside a host transaction (`applyCartridgeBatch`), kept current
 * (`catchUpCartridge`, `openCartridge`), rebuilt (`rebuildCartridge`) and asked
 * (`queryCartridge`, `listCartridgeQueries`). See docs/cartridges.md.
 */
export type { CartridgeJson, CartridgeKey, CartridgeKeyspaceReader, CartridgeKeyspaceWriter, CartridgeReader, CartridgeScanOptions, CartridgeTransaction, CartridgeValue } from './cartridge-storage.js'
export type { CartridgeCommit, CartridgeCommitOperation } from './cartridge-commit.js'
export type { CartridgeSource } from './cartridge-source.js'
export type { CartridgeFact } from './cartridge-fact.js'
export type { CartridgeApplyArgs } from './cartridge-apply-args.js'
export type { Cartridge, CartridgeV1 } from './cartridge-definition.js'
export type { CartridgeDatabase, CartridgeHostTransaction, CartridgeSnapshot } from './cartridge-database.js'
export { provenanceSchema, type Provenance } from './provenance.js'
export { defineCartridgeQuery, type CartridgeQueryOperation, type CartridgeQueryRunArgs } from './cartridge-query.js'
export { cartridgeDefinitionSchema, cartridgeOrigin, cartridgeProducer, defineCartridge, isCartridge } from './define-cartridge.js'
export { CARTRIDGE_META_KEY, expectedMeta, staleReason, type CartridgeMeta } from './cartridge-meta.js'
export { CURSOR_KEYSPACE, cursorKey, readCursor } from './cartridge-cursor.js'
export { filterCommit, matchesSources } from './source-filter.js'
export { scopeSnapshot, scopeTransaction } from './scoped-access.js'
export { applyCartridgeBatch, type ApplyCartridgeBatchArgs } from './apply-cartridge-batch.js'
export { catchUpCartridge, type CatchUpCartridgeArgs, type CatchUpResult } from './catch-up-cartridge.js'
export { rebuildCartridge, type RebuildCartridgeArgs } from './rebuild-cartridge.js'
export { findQuery, listCartridgeQueries, queryCartridge, runQueryOnSnapshot, type CartridgeQueryDescription, type QueryCartridgeArgs } from './query-cartridge.js'
export { cartridgeStatus, openCartridge, type CartridgeHandle, type CartridgeStatus, type OpenCartridgeArgs } from './open-cartridge.js'
export { CartridgeWriteCache } from './cartridge-write-cache.js'
export { canonicalFingerprint } from './canonical-fingerprint.js'
export { keyComponent, padNumber, readJsonPath, sourceKeyString } from './key-component.js'
export { cartridgeFromRecipe, definitionKey, definitionRecord, readDefinitionRecords, writeDefinitionRecord, type CartridgeDefinitionRecord, type CartridgeFactory, type CartridgeRecipe } from './cartridge-recipe.js'
export type { AttachedCartridgeState, AttachedCartridgeStatus } from './cartridge-runner.js'
export { attachCartridges, type AttachCartridgesArgs, type AttachedCartridge, type AttachedCartridges } from './attach-cartridges.js'
