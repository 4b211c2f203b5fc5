import type { GenerateRequest, GenerateResult, LanguageModelV1 } from '../../spec/index.js'
import { callProvider } from '../shared/call-provider.js'
import type { ProviderModelOptions } from '../shared/provider-model-options.js'
import { createOllamaCall, ollamaTarget, type OllamaCall } from './ollama-client.js'
import { toOllamaChatBody } from './ollama-request.js'
import { toGenerateResult } from './ollama-response.js'

/**
 * A language model over the official `ollama` client's `/api/chat` (non-streaming),
 * with tools and structured output through `format: <JSON schema>`. `baseUrl` is
 * the Ollama host (default http://127.0.0.1:11434); no key is needed.
 *
 * @example
 * const model = createOllamaLanguageModel({ modelId: 'llama3.2' })
 */
export function createOllamaLanguageModel(options: ProviderModelOptions): LanguageModelV1 {
  const { identity, host } = ollamaTarget(options)
  return {
    specificationVersion: 'v1',
    provider: 'ollama',
    modelId: options.modelId,
    doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      let call: OllamaCall | undefined
      return callProvider({
        identity,
        abortSignal: request.abortSignal,
        responseHeaders: () => call?.lastHeaders(),
        run: async callSignal => {
          call = createOllamaCall({ host, headers: options.headers, callSignal })
          const raw: unknown = await call.client.chat(toOllamaChatBody({ modelId: options.modelId, request }))
          return toGenerateResult(raw, identity)
        },
      })
    },
  }
}
