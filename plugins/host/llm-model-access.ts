import { costOf, createPriceLookup, getDefaultGuards, resolveEmbeddingModel, resolveLanguageModel, wrapModel } from '../../llm/index.js'
import type { EmbeddingModelV1, LanguageModelV1, ModelMiddleware } from '../../llm/index.js'
import type { PluginModelAccess } from './plugin-model-access.js'

/** Arguments of {@link createLlmModelAccess}. Everything is optional. */
export interface LlmModelAccessArgs {
  /** A `provider:model` id or a model; default `LIVINGDB_MODEL`, else the offline model. */
  readonly languageModel?: string | LanguageModelV1
  /** A `provider:model` id or a model; default `LIVINGDB_EMBEDDING_MODEL`, else the offline embedder. */
  readonly embeddingModel?: string | EmbeddingModelV1
  /** Guards around every plugin call; default: the process-wide llm guards (shared budgets and rate limits). */
  readonly guards?: readonly ModelMiddleware[]
}

/**
 * The plugin host's model client built from the llm layer: each call is wrapped in the
 * guards with the plugin's call context (`scope: 'plugin:<name>'`), and priced with the
 * llm pricing table so `status().modelSpend.costUsd` is filled in.
 *
 * @example
 * const host = await createPluginHost({ db, plugins, models: createLlmModelAccess({ languageModel: 'offline:default' }) })
 */
export function createLlmModelAccess(args: LlmModelAccessArgs = {}): PluginModelAccess {
  let language: LanguageModelV1 | undefined
  let embedding: EmbeddingModelV1 | undefined
  const priceOf = createPriceLookup()
  const guards = () => args.guards ?? getDefaultGuards()
  return {
    async generate({ request, context }) {
      language ??= resolveLanguageModel(args.languageModel)
      const result = await wrapModel({ model: language, middleware: guards(), context }).doGenerate(request)
      const price = priceOf(language.provider, language.modelId)
      return { ...result, costUsd: price === undefined ? 0 : costOf(price, result.usage), modelId: `${language.provider}:${language.modelId}` }
    },
    async embed({ request, context }) {
      embedding ??= resolveEmbeddingModel(args.embeddingModel)
      const result = await wrapModel({ model: embedding, middleware: guards(), context }).doEmbed(request)
      const price = priceOf(embedding.provider, embedding.modelId)
      return { ...result, costUsd: price === undefined ? 0 : costOf(price, result.usage) }
    },
  }
}
