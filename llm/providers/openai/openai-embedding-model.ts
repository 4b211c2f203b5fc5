import type { EmbedRequest, EmbedResult, EmbeddingModelV1 } from '../../spec/index.js'
import { callProvider } from '../shared/call-provider.js'
import { createOpenAIClient, type OpenAIModelOptions } from './openai-client.js'
import { toEmbeddings } from './openai-response.js'

/** Vector lengths of OpenAI's embedding models, known before the first call. */
const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
}

/** Options of {@link createOpenAIEmbeddingModel}. */
export interface OpenAIEmbeddingModelOptions extends OpenAIModelOptions {
  /** Largest batch per request; OpenAI accepts 2048 inputs, compatible servers often fewer (default 2048 / 64). */
  readonly maxValuesPerCall?: number
  /** Ask text-embedding-3 models for shorter vectors. */
  readonly dimensions?: number
}

/**
 * An embedding model over the official `openai` client's `/embeddings` endpoint
 * (floats requested explicitly, vectors returned in input order).
 *
 * @example
 * const model = createOpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey })
 * const { embeddings } = await model.doEmbed({ values: ['hello'] })
 */
export function createOpenAIEmbeddingModel(options: OpenAIEmbeddingModelOptions): EmbeddingModelV1 {
  const { client, identity } = createOpenAIClient(options)
  const dimensions = options.dimensions ?? KNOWN_DIMENSIONS[options.modelId]
  return {
    specificationVersion: 'v1',
    provider: identity.provider,
    modelId: options.modelId,
    ...(dimensions === undefined ? {} : { dimensions }),
    maxValuesPerCall: options.maxValuesPerCall ?? (identity.provider === 'openai' ? 2048 : 64),
    async doEmbed(request: EmbedRequest): Promise<EmbedResult> {
      if (request.values.length === 0) return { embeddings: [], usage: { inputTokens: 0 } }
      return callProvider({
        identity,
        abortSignal: request.abortSignal,
        run: async callSignal => {
          const raw: unknown = await client.embeddings.create(
            {
              model: options.modelId,
              input: [...request.values],
              encoding_format: 'float',
              ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
            },
            { signal: callSignal.signal },
          )
          const { embeddings, inputTokens } = toEmbeddings(raw, identity, request.values.length)
          return { embeddings, usage: { inputTokens } }
        },
      })
    },
  }
}
