import type { EmbeddingModelV1, EmbedRequest, GenerateRequest, GenerateResult, LanguageModelV1, Usage } from '../../spec/index.js'

/** A language model for guard tests: records requests, answers with `reply`, or throws `fail(n)`. */
export interface FakeLanguageModel extends LanguageModelV1 {
  /** Every request received, in order. */
  readonly requests: GenerateRequest[]
}

/**
 * Builds a deterministic in-process model. `fail(callNumber)` may return an error to
 * throw for that call (1-based); `usage` fixes the reported token counts.
 *
 * @example
 * const model = createFakeModel({ reply: () => 'hi', usage: { inputTokens: 10, outputTokens: 5 } })
 */
export function createFakeModel(options: {
  readonly provider?: string
  readonly modelId?: string
  readonly reply?: (request: GenerateRequest) => string
  readonly usage?: Usage
  readonly fail?: (callNumber: number) => unknown
  readonly onCall?: (request: GenerateRequest) => void
} = {}): FakeLanguageModel {
  const requests: GenerateRequest[] = []
  return {
    specificationVersion: 'v1',
    provider: options.provider ?? 'fake',
    modelId: options.modelId ?? 'fake-1',
    requests,
    async doGenerate(request): Promise<GenerateResult> {
      requests.push(request)
      options.onCall?.(request)
      const failure = options.fail?.(requests.length)
      if (failure !== undefined) throw failure
      return {
        text: options.reply?.(request) ?? `reply ${requests.length}`,
        toolCalls: [],
        usage: options.usage ?? { inputTokens: 10, outputTokens: 5 },
        finishReason: 'stop',
        response: { id: `response-${requests.length}` },
      }
    },
  }
}

/** A deterministic embedding model: one 3-number vector per value (length, vowels, digits). */
export function createFakeEmbeddingModel(options: { readonly provider?: string } = {}): EmbeddingModelV1 & { readonly requests: EmbedRequest[] } {
  const requests: EmbedRequest[] = []
  return {
    specificationVersion: 'v1',
    provider: options.provider ?? 'fake',
    modelId: 'fake-embed',
    dimensions: 3,
    maxValuesPerCall: 16,
    requests,
    async doEmbed(request) {
      requests.push(request)
      return {
        embeddings: request.values.map((value) => [value.length, (value.match(/[aeiou]/g) ?? []).length, (value.match(/\d/g) ?? []).length]),
        usage: { inputTokens: request.values.join(' ').length },
      }
    },
  }
}
