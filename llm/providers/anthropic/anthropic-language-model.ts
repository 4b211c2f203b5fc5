import Anthropic from '@anthropic-ai/sdk'
import { LivingDbError } from '../../../errors/index.js'
import type { GenerateRequest, GenerateResult, LanguageModelV1 } from '../../spec/index.js'
import { callProvider } from '../shared/call-provider.js'
import type { ModelIdentity } from '../shared/map-provider-error.js'
import { DEFAULT_TIMEOUT_MS, type ProviderModelOptions } from '../shared/provider-model-options.js'
import { toAnthropicBody } from './anthropic-request.js'
import { toGenerateResult } from './anthropic-response.js'

/**
 * A language model over the official `@anthropic-ai/sdk` messages API, with tools
 * and structured output through a forced tool call. `baseUrl` is the API root
 * (the client appends `/v1/messages`). The client's own retries are off.
 *
 * @example
 * const model = createAnthropicLanguageModel({ modelId: 'claude-haiku-4-5', apiKey: process.env.ANTHROPIC_API_KEY })
 */
export function createAnthropicLanguageModel(options: ProviderModelOptions): LanguageModelV1 {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY
  if (apiKey === undefined || apiKey === '') {
    throw new LivingDbError('MODEL_CONFIG_INVALID', `The anthropic model "${options.modelId}" needs an API key. Set ANTHROPIC_API_KEY or pass apiKey; or use an offline model (LIVINGDB_MODEL=offline:default).`)
  }
  const client = new Anthropic({
    apiKey,
    ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.headers === undefined ? {} : { defaultHeaders: { ...options.headers } }),
  })
  const identity: ModelIdentity = { provider: 'anthropic', modelId: options.modelId, timeoutMs, keySetting: 'ANTHROPIC_API_KEY' }
  return {
    specificationVersion: 'v1',
    provider: 'anthropic',
    modelId: options.modelId,
    doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      return callProvider({
        identity,
        abortSignal: request.abortSignal,
        run: async callSignal => {
          const { body, responseToolName } = toAnthropicBody({ modelId: options.modelId, request })
          const raw: unknown = await client.messages.create(body, { signal: callSignal.signal })
          return toGenerateResult(raw, identity, responseToolName)
        },
      })
    },
  }
}
