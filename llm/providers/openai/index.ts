export { createOpenAILanguageModel } from './openai-language-model.js'
export { createOpenAIEmbeddingModel, type OpenAIEmbeddingModelOptions } from './openai-embedding-model.js'
export type { OpenAIModelOptions } from './openai-client.js'
