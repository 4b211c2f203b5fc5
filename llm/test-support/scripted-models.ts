import type { EmbedRequest, EmbeddingModelV1, GenerateRequest, GenerateResult, LanguageModelV1 } from '../spec/index.js'

/** A language model that answers from a script and records every request. */
export interface ScriptedLanguageModel extends LanguageModelV1 {
  readonly requests: GenerateRequest[]
}

/** Replies in order; a string is a text reply with 10/5 tokens; an Error is thrown. */
export function createScriptedLanguageModel(replies: readonly (string | Partial<GenerateResult> | Error)[]): ScriptedLanguageModel {
  const requests: GenerateRequest[] = []
  let next = 0
  return {
    specificationVersion: 'v1',
    provider: 'scripted',
    modelId: 'script-1',
    requests,
    async doGenerate(request) {
      requests.push(structuredClone({ ...request, abortSignal: undefined }))
      const reply = replies[next++]
      if (reply === undefined) throw new Error(`scripted model has no reply #${next}`)
      if (reply instanceof Error) throw reply
      const partial = typeof reply === 'string' ? { text: reply } : reply
      return { text: '', toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 }, finishReason: 'stop', ...partial }
    },
  }
}

/** An embedding model whose vector for a value is [length, first char code], recording each batch. */
export function createScriptedEmbeddingModel(maxValuesPerCall: number): EmbeddingModelV1 & { readonly batches: (readonly string[])[] } {
  const batches: (readonly string[])[] = []
  return {
    specificationVersion: 'v1',
    provider: 'scripted',
    modelId: 'embed-1',
    dimensions: 2,
    maxValuesPerCall,
    batches,
    async doEmbed(request: EmbedRequest) {
      batches.push([...request.values])
      return { embeddings: request.values.map(value => [value.length, value.charCodeAt(0)]), usage: { inputTokens: request.values.length } }
    },
  }
}
