import type { EmbedRequest, EmbedResult, EmbeddingModelV1 } from '../../spec/index.js'
import { callProvider } from '../shared/call-provider.js'
import type { ProviderModelOptions } from '../shared/provider-model-options.js'
import { createOllamaCall, ollamaTarget, type OllamaCall } from './ollama-client.js'
import { toEmbeddings } from './ollama-response.js'

/** Options of {@link createOllamaEmbeddingModel}. */
export interface OllamaEmbeddingModelOptions extends ProviderModelOptions {
  /** Inputs per `/api/embed` request (default 64: a local server embeds them one batch at a time). */
  readonly maxValuesPerCall?: number
  /** Vector length, when known in advance (e.g. 768 for nomic-embed-text). */
  readonly dimensions?: number
}

/**
 * An embedding model over the official `ollama` client's `/api/embed`.
 *
 * @example
 * const model = createOllamaEmbeddingModel({ modelId: 'nomic-embed-text', dimensions: 768 })
 */
export function createOllamaEmbeddingModel(options: OllamaEmbeddingModelOptions): EmbeddingModelV1 {
  const { identity, host } = ollamaTarget(options)
  return {
    specificationVersion: 'v1',
    provider: 'ollama',
    modelId: options.modelId,
    ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
    maxValuesPerCall: options.maxValuesPerCall ?? 64,
    async doEmbed(request: EmbedRequest): Promise<EmbedResult> {
      if (request.values.length === 0) return { embeddings: [], usage: { inputTokens: 0 } }
      let call: OllamaCall | undefined
      return callProvider({
        identity,
        abortSignal: request.abortSignal,
        responseHeaders: () => call?.lastHeaders(),
        run: async callSignal => {
          call = createOllamaCall({ host, headers: options.headers, callSignal })
          const raw: unknown = await call.client.embed({ model: options.modelId, input: [...request.values] })
          const { embeddings, inputTokens } = toEmbeddings(raw, identity, request.values.length)
          return { embeddings, usage: { inputTokens } }
        },
      })
    },
  }
}
