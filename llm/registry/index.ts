export { PROVIDER_NAMES, formatModelId, parseModelId, type ParsedModelId, type ProviderName } from './model-id.js'
export {
  DEFAULT_EMBEDDING_MODEL_ID,
  DEFAULT_LANGUAGE_MODEL_ID,
  DEFAULT_OLLAMA_HOST,
  DEFAULT_TIMEOUT_MS,
  embeddingModelIdFromEnv,
  languageModelIdFromEnv,
  resolveConnection,
  type Environment,
  type ModelSettings,
  type ProviderConnection,
} from './model-config.js'
export { ModelConfigError } from './model-config-error.js'
export { resolveEmbeddingModel, resolveLanguageModel, type EmbeddingModelSettings } from './resolve-model.js'
