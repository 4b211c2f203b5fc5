/**
 * The entities cartridge (canonical entities, aliases, mentions, reversible merges), the
 * extraction record format the entity-extractor plugin writes, batched extraction, and
 * the entity resolver the relationships cartridge shares.
 */
export { createEntitiesCartridge, ENTITIES_CARTRIDGE_VERSION, type EntitiesCartridgeOptions } from './create-entities-cartridge.js'
export { DEFAULT_EXTRACTION_KEYSPACE, EXTRACTED_ENTITY_TYPES, EXTRACTION_KEY_PREFIX, EXTRACTION_RECORD_FORMAT, extractionKey, extractionRecordSchema, sourceId, type ExtractionRecord } from './extraction-record.js'
export { buildBatchPrompt, EXTRACTION_SYSTEM_PROMPT, extractionOutputSchema, type BatchPrompt, type ExtractionOutput } from './extraction-output.js'
export { attributeExtraction, phraseOccurrences, type RecordFacts } from './attribute-extraction.js'
export { chunkSources, extractRecords, generateObjectExtractionCall, resolveBatching, type ExtractionBatching, type ExtractionCall, type SourceText } from './extract-records.js'
export { recordText, resolveSelector, type RecordSelector } from './record-text.js'
export { jaroWinkler, nameTrigrams, nameVariants, normalizeName } from './normalize-name.js'
export { resolveEntityInput, type EntityEvent, type EntityInput, type ResolvedEntityInput } from './entity-input.js'
export { DEFAULT_DIRECTIVE_SOURCE, entityDirectiveSchema, writeEntityDirective, type EntityDirective } from './entity-directive.js'
export { EntityResolver, type MentionInput, type ResolvedMention } from './entity-resolver.js'
export { entityKeys, nameKey, type EntityKeys } from './entity-keys.js'
export type { EntityName, EntityRecord, MentionRecord, MergeRecord, NameRecord, ResolutionMethod, SourceIndexRecord } from './entity-records.js'
export { applyEntityEvents, eventKeys, type DirectiveRecord, type RejectedRecord } from './apply-entity-events.js'
export { resolutionFingerprint, resolveResolutionOptions, type MergeConfirmation, type MergeConfirmationArgs, type ResolutionOptions } from './resolution-options.js'
export { createModelConfirmation } from './model-confirmation.js'
export { entityMentions, entityQueries, entitySummarySchema, summarizeEntity } from './entity-queries.js'
export { entityStats, listEntityFacts } from './entity-facts.js'
export { CachedKeyspace } from './cached-keyspace.js'
export { shortKeyComponent } from './short-key-component.js'
