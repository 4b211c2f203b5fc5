import { createAnthropicLanguageModel } from '../providers/anthropic/index.js'
import { createOfflineEmbeddingModel, createOfflineLanguageModel } from '../providers/offline/index.js'
import { createOllamaEmbeddingModel, createOllamaLanguageModel } from '../providers/ollama/index.js'
import { createOpenAIEmbeddingModel, createOpenAILanguageModel } from '../providers/openai/index.js'
import type { EmbeddingModelV1, LanguageModelV1 } from '../spec/index.js'
import { embeddingModelIdFromEnv, languageModelIdFromEnv, resolveConnection, type ModelSettings } from './model-config.js'
import { ModelConfigError } from './model-config-error.js'
import { parseModelId } from './model-id.js'

/** Options of {@link resolveEmbeddingModel}: connection settings plus batching and vector size. */
export interface EmbeddingModelSettings extends ModelSettings {
  /** Largest batch per provider request (defaults: openai 2048, compatible and ollama 64). */
  readonly maxValuesPerCall?: number
  /** Vector length: requested from text-embedding-3 models and the offline model, declared for ollama. */
  readonly dimensions?: number
}

/** Models built from ids, keyed by id and merged connection, so repeated calls reuse one client. */
const cache = new Map<string, LanguageModelV1 | EmbeddingModelV1>()
const CACHE_LIMIT = 64

function cached<Model extends LanguageModelV1 | EmbeddingModelV1>(key: string, create: () => Model): Model {
  const hit = cache.get(key)
  if (hit !== undefined) return hit as Model
  const model = create()
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(key, model)
  return model
}

function implementsSpec(model: object, method: 'doGenerate' | 'doEmbed'): boolean {
  const record = model as Record<string, unknown>
  return record.specificationVersion === 'v1' && typeof record[method] === 'function'
}

function offlineModelName(modelId: string): void {
  if (modelId !== 'default') {
    throw new ModelConfigError(`The offline provider has one model: write "offline:default" instead of "offline:${modelId}".`, { details: { modelId: `offline:${modelId}` } })
  }
}

/**
 * Turns a `provider:model` id (or nothing: `LIVINGDB_MODEL`, else `offline:default`)
 * into a language model. A model object passes through unchanged.
 *
 * @throws ModelConfigError (`MODEL_CONFIG_INVALID`) naming what to set when the id
 *   is malformed or a key / base URL is missing.
 *
 * @example
 * const model = resolveLanguageModel('openai:gpt-4.1-mini', { apiKey })
 * const local = resolveLanguageModel('openai-compatible:qwen2.5', { baseUrl: 'http://localhost:8000/v1' })
 * const fromEnv = resolveLanguageModel() // LIVINGDB_MODEL or the offline model
 */
export function resolveLanguageModel(idOrModel?: string | LanguageModelV1, settings: ModelSettings = {}): LanguageModelV1 {
  if (typeof idOrModel === 'object' && idOrModel !== null) {
    if (!implementsSpec(idOrModel, 'doGenerate')) {
      throw new ModelConfigError('The model object does not implement LanguageModelV1 (specificationVersion "v1" and doGenerate). Pass a model id such as "openai:gpt-4.1-mini" or a spec v1 model.')
    }
    return idOrModel
  }
  const { provider, modelId } = parseModelId(idOrModel ?? languageModelIdFromEnv(settings.env ?? process.env))
  if (provider === 'offline') {
    offlineModelName(modelId)
    return cached('language|offline', () => createOfflineLanguageModel())
  }
  const connection = resolveConnection({ provider, settings })
  return cached(`language|${provider}|${modelId}|${JSON.stringify(connection)}`, (): LanguageModelV1 => {
    switch (provider) {
      case 'openai':
      case 'openai-compatible':
        return createOpenAILanguageModel({ provider, modelId, ...connection })
      case 'anthropic':
        return createAnthropicLanguageModel({ modelId, ...connection })
      case 'ollama':
        return createOllamaLanguageModel({ modelId, ...connection })
    }
  })
}

/**
 * Turns a `provider:model` id (or nothing: `LIVINGDB_EMBEDDING_MODEL`, else
 * `offline:default`) into an embedding model. A model object passes through.
 *
 * @throws ModelConfigError for a malformed id, a missing key or base URL, or a
 *   provider without embeddings (anthropic).
 *
 * @example
 * const embedder = resolveEmbeddingModel('ollama:nomic-embed-text', { dimensions: 768 })
 */
export function resolveEmbeddingModel(idOrModel?: string | EmbeddingModelV1, settings: EmbeddingModelSettings = {}): EmbeddingModelV1 {
  if (typeof idOrModel === 'object' && idOrModel !== null) {
    if (!implementsSpec(idOrModel, 'doEmbed')) {
      throw new ModelConfigError('The model object does not implement EmbeddingModelV1 (specificationVersion "v1" and doEmbed). Pass an id such as "openai:text-embedding-3-small" or a spec v1 embedding model.')
    }
    return idOrModel
  }
  const { provider, modelId } = parseModelId(idOrModel ?? embeddingModelIdFromEnv(settings.env ?? process.env))
  const batching = {
    ...(settings.maxValuesPerCall === undefined ? {} : { maxValuesPerCall: settings.maxValuesPerCall }),
    ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
  }
  if (provider === 'offline') {
    offlineModelName(modelId)
    return cached(`embedding|offline|${JSON.stringify(batching)}`, () => createOfflineEmbeddingModel(batching))
  }
  if (provider === 'anthropic') {
    throw new ModelConfigError(
      `Anthropic has no embedding models ("anthropic:${modelId}"). Set LIVINGDB_EMBEDDING_MODEL to e.g. "openai:text-embedding-3-small", "ollama:nomic-embed-text" or "offline:default".`,
      { details: { modelId: `anthropic:${modelId}` } },
    )
  }
  const connection = resolveConnection({ provider, settings })
  return cached(`embedding|${provider}|${modelId}|${JSON.stringify({ connection, batching })}`, () =>
    provider === 'ollama' ? createOllamaEmbeddingModel({ modelId, ...connection, ...batching }) : createOpenAIEmbeddingModel({ provider, modelId, ...connection, ...batching }),
  )
}
