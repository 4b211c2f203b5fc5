import type { GenerateRequest, GenerateResult, LanguageModelV1 } from '../../spec/index.js'
import { callProvider } from '../shared/call-provider.js'
import { createOpenAIClient, type OpenAIModelOptions } from './openai-client.js'
import { toOpenAIChatBody } from './openai-request.js'
import { toGenerateResult } from './openai-response.js'

/**
 * A language model over the official `openai` client's chat completions: tools,
 * tool choice, and `response_format: json_schema` for structured output. Every
 * failure becomes a `ModelCallError`; the client's own retries are off.
 *
 * @example
 * const model = createOpenAILanguageModel({ modelId: 'gpt-4.1-mini', apiKey: process.env.OPENAI_API_KEY })
 * const local = createOpenAILanguageModel({ provider: 'openai-compatible', modelId: 'qwen2.5', baseUrl: 'http://localhost:8000/v1' })
 */
export function createOpenAILanguageModel(options: OpenAIModelOptions): LanguageModelV1 {
  const { client, identity } = createOpenAIClient(options)
  const maxTokensField = identity.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens'
  return {
    specificationVersion: 'v1',
    provider: identity.provider,
    modelId: options.modelId,
    doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      return callProvider({
        identity,
        abortSignal: request.abortSignal,
        run: async callSignal => {
          const body = toOpenAIChatBody({ modelId: options.modelId, request, maxTokensField })
          const raw: unknown = await client.chat.completions.create(body, { signal: callSignal.signal })
          return toGenerateResult(raw, identity)
        },
      })
    },
  }
}
