/**
 * The offline provider: the embedded default model when nothing is configured.
 * No key, no network, deterministic. See docs/offline-provider.md.
 */
export { createOfflineLanguageModel, estimateTokens, inputTextOf, type OfflineLanguageModelOptions } from './offline-language-model.js'
export { createOfflineEmbeddingModel, embedText, type OfflineEmbeddingOptions } from './offline-embedding-model.js'
export { analyzeText, extractEntities, extractRelationships, extractTopics, summarize, MAX_ANALYSIS_CHARACTERS } from './analyze-text.js'
export { fillSchema, type FillSource } from './schema-filler.js'
export { semanticOf, taskOf, type OfflineTask, type Semantic } from './schema-semantics.js'
export { ENTITY_TYPES, type Entity, type EntityType, type Relationship, type Summary, type SummarySentence, type TextAnalysis, type Topic } from './types.js'
