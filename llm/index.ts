/**
 * livingdb's model layer: one spec for language and embedding models, providers
 * over the official clients plus an offline default, structured output with
 * bounded repair, and guards (redaction, ledger, budget, rate limit, audit,
 * routing) as middleware around every call. Imports nothing from `core/`.
 *
 * @example
 * import { generateObject } from 'livingdb/llm'
 * const { object } = await generateObject({ schema, prompt: 'Dana met Lee in Oslo.' })
 */

// The spec every provider implements and every guard wraps.
export type {
  CallContext,
  EmbedRequest,
  EmbedResult,
  EmbeddingModelV1,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  LanguageModelV1,
  Message,
  MessagePart,
  ModelMiddleware,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
  WrapEmbedArgs,
  WrapGenerateArgs,
} from './spec/index.js'
export { ModelCallError, type ModelCallErrorCode, type ModelCallErrorOptions } from './spec/index.js'

// Model ids, environment configuration, resolution.
export * from './registry/index.js'

// Providers: openai (and openai-compatible), anthropic, ollama, offline.
export * from './providers/index.js'
export {
  analyzeText,
  embedText,
  estimateTokens,
  extractEntities,
  extractRelationships,
  extractTopics,
  summarize,
  ENTITY_TYPES,
  type Entity,
  type EntityType,
  type OfflineEmbeddingOptions,
  type OfflineLanguageModelOptions,
  type Relationship,
  type Summary,
  type TextAnalysis,
  type Topic,
} from './providers/offline/index.js'

// The app-facing calls.
export * from './generate/index.js'

// Guards and the stores behind them.
export * from './guards/index.js'
export * from './stores/index.js'
