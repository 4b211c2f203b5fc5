export { createOllamaLanguageModel } from './ollama-language-model.js'
export { DEFAULT_OLLAMA_BASE_URL } from './ollama-client.js'
export { createOllamaEmbeddingModel, type OllamaEmbeddingModelOptions } from './ollama-embedding-model.js'
