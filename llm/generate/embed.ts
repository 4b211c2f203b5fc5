import { LivingDbError } from '../../errors/index.js'
import type { EmbeddingModelSettings } from '../registry/index.js'
import { ModelCallError, type EmbeddingModelV1 } from '../spec/index.js'
import { prepareEmbeddingModel, qualifiedModelId, type ModelCallOptions } from './model-call-options.js'

/** Options shared by {@link embed} and {@link embedMany}. */
export interface EmbedCallOptions extends ModelCallOptions {
  /** A `provider:model` id or a model object; default `LIVINGDB_EMBEDDING_MODEL`, else the offline model. */
  readonly model?: string | EmbeddingModelV1
  readonly settings?: EmbeddingModelSettings
}

/** What {@link embedMany} returns. */
export interface EmbedManyResult {
  /** One vector per input value, in input order. */
  readonly embeddings: readonly (readonly number[])[]
  readonly usage: { readonly inputTokens: number }
  /** How many provider calls the values were split into. */
  readonly calls: number
  readonly modelId: string
  readonly latencyMs: number
}

/** What {@link embed} returns. */
export interface EmbedResultOne {
  readonly embedding: readonly number[]
  readonly usage: { readonly inputTokens: number }
  readonly modelId: string
  readonly latencyMs: number
}

async function embedBatches(args: {
  readonly model: EmbeddingModelV1
  readonly values: readonly string[]
  readonly maxParallelCalls: number
  readonly abortSignal?: AbortSignal
}): Promise<{ embeddings: (readonly number[])[]; inputTokens: number; calls: number }> {
  const { model, values } = args
  const size = model.maxValuesPerCall
  if (!Number.isInteger(size) || size < 1) {
    throw new LivingDbError('INVALID_ARGUMENT', `Embedding model ${qualifiedModelId(model)} declares maxValuesPerCall=${String(size)}; it must be a whole number >= 1.`)
  }
  const batches: (readonly string[])[] = []
  for (let start = 0; start < values.length; start += size) batches.push(values.slice(start, start + size))
  const embeddings: (readonly number[])[] = new Array<readonly number[]>(values.length)
  let inputTokens = 0
  let nextBatch = 0
  const worker = async (): Promise<void> => {
    while (nextBatch < batches.length) {
      const index = nextBatch++
      const batch = batches[index]!
      const result = await model.doEmbed({ values: batch, ...(args.abortSignal === undefined ? {} : { abortSignal: args.abortSignal }) })
      if (result.embeddings.length !== batch.length) {
        throw new ModelCallError('MODEL_CALL_FAILED', `Embedding model ${qualifiedModelId(model)} returned ${result.embeddings.length} vectors for ${batch.length} values; every value needs exactly one.`, {
          provider: model.provider,
          modelId: model.modelId,
          isRetryable: false,
        })
      }
      result.embeddings.forEach((vector, offset) => {
        embeddings[index * size + offset] = vector
      })
      inputTokens += result.usage.inputTokens
    }
  }
  await Promise.all(Array.from({ length: Math.min(args.maxParallelCalls, batches.length) }, worker))
  return { embeddings, inputTokens, calls: batches.length }
}

/**
 * Embeds many values, split into batches of the model's `maxValuesPerCall`, each
 * batch one guarded call; vectors come back in input order.
 *
 * @example
 * const { embeddings } = await embedMany({ values: notes.map(note => note.text) })
 */
export async function embedMany(options: EmbedCallOptions & { readonly values: readonly string[]; readonly maxParallelCalls?: number }): Promise<EmbedManyResult> {
  const maxParallelCalls = options.maxParallelCalls ?? 1
  if (!Number.isInteger(maxParallelCalls) || maxParallelCalls < 1) {
    throw new LivingDbError('INVALID_ARGUMENT', `maxParallelCalls must be a whole number >= 1 (got ${String(maxParallelCalls)}).`)
  }
  const model = prepareEmbeddingModel(options)
  const started = performance.now()
  const { embeddings, inputTokens, calls } = await embedBatches({
    model,
    values: options.values,
    maxParallelCalls,
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  })
  return { embeddings, usage: { inputTokens }, calls, modelId: qualifiedModelId(model), latencyMs: performance.now() - started }
}

/**
 * Embeds one value.
 *
 * @example
 * const { embedding } = await embed({ model: 'ollama:nomic-embed-text', value: 'hello' })
 */
export async function embed(options: EmbedCallOptions & { readonly value: string }): Promise<EmbedResultOne> {
  const result = await embedMany({ ...options, values: [options.value] })
  return { embedding: result.embeddings[0]!, usage: result.usage, modelId: result.modelId, latencyMs: result.latencyMs }
}
