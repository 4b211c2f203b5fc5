export { createOllamaLanguageModel, DEFAULT_OLLAMA_BASE_URL } from './ollama-language-model.js'
export { createOllamaEmbeddingModel, type OllamaEmbeddingModelOptions } from './ollama-embedding-model.js'
