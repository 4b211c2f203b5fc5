import type { GenerateRequest, GenerateResult, LanguageModelV1 } from '../../spec/index.js'
import { createCallSignal } from '../shared/call-signal.js'
import { toModelCallError, type ModelIdentity } from '../shared/map-provider-error.js'
import { DEFAULT_TIMEOUT_MS, type ProviderModelOptions } from '../shared/provider-model-options.js'
import { createOllamaCall } from './ollama-client.js'
import { toOllamaChatBody } from './ollama-request.js'
import { toGenerateResult } from './ollama-response.js'

/** Where Ollama listens by default. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://127.0.0.1:11434'

/**
 * A language model over the official `ollama` client's `/api/chat` (non-streaming),
 * with tools and structured output through `format: <JSON schema>`. `baseUrl` is
 * the Ollama host (default http://127.0.0.1:11434); no key is needed.
 *
 * @example
 * const model = createOllamaLanguageModel({ modelId: 'llama3.2' })
 */
export function createOllamaLanguageModel(options: ProviderModelOptions): LanguageModelV1 {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const identity: ModelIdentity = { provider: 'ollama', modelId: options.modelId, timeoutMs }
  const host = options.baseUrl ?? DEFAULT_OLLAMA_BASE_URL
  return {
    specificationVersion: 'v1',
    provider: 'ollama',
    modelId: options.modelId,
    async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      const callSignal = createCallSignal({ timeoutMs, abortSignal: request.abortSignal })
      const call = createOllamaCall({ host, headers: options.headers, callSignal })
      try {
        const raw: unknown = await call.client.chat(toOllamaChatBody({ modelId: options.modelId, request }))
        return toGenerateResult(raw, identity)
      } catch (error) {
        throw toModelCallError({ error, identity, callSignal, responseHeaders: call.lastHeaders() })
      } finally {
        callSignal.dispose()
      }
    },
  }
}
