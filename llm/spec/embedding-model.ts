import type { Usage } from './usage.js'

/** What a caller asks an embedding model for. */
export interface EmbedRequest {
  readonly values: readonly string[]
  readonly abortSignal?: AbortSignal
}

/** One vector per input value, in input order. */
export interface EmbedResult {
  readonly embeddings: readonly (readonly number[])[]
  readonly usage: Pick<Usage, 'inputTokens'>
}

/**
 * The contract every embedding provider implements (spec v1).
 *
 * @example
 * const model: EmbeddingModelV1 = {
 *   specificationVersion: 'v1', provider: 'offline', modelId: 'hash-384', dimensions: 384,
 *   maxValuesPerCall: 256,
 *   async doEmbed({ values }) { return { embeddings: values.map(() => new Array(384).fill(0)), usage: { inputTokens: 0 } } },
 * }
 */
export interface EmbeddingModelV1 {
  readonly specificationVersion: 'v1'
  readonly provider: string
  readonly modelId: string
  /** Vector length, when known before the first call. */
  readonly dimensions?: number
  /** Largest batch one `doEmbed` call accepts; `embedMany` splits larger inputs. */
  readonly maxValuesPerCall: number
  doEmbed(request: EmbedRequest): Promise<EmbedResult>
}
