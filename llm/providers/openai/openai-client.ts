import OpenAI from 'openai'
import { LivingDbError } from '../../../errors/index.js'
import type { ModelIdentity } from '../shared/map-provider-error.js'
import { DEFAULT_TIMEOUT_MS, type ProviderModelOptions } from '../shared/provider-model-options.js'

/** Options shared by the OpenAI and OpenAI-compatible models. */
export interface OpenAIModelOptions extends ProviderModelOptions {
  /**
   * 'openai' (default) for api.openai.com; 'openai-compatible' for vLLM, llama.cpp
   * server, LM Studio and other endpoints reached by `baseUrl`.
   */
  readonly provider?: 'openai' | 'openai-compatible'
}

/** The official client, with its own retries off (retrying is the rate-limit guard's job). */
export function createOpenAIClient(options: OpenAIModelOptions): { client: OpenAI; identity: ModelIdentity } {
  const provider = options.provider ?? 'openai'
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  // Official OpenAI needs a key; compatible servers rarely check one, but the client insists on a non-empty string.
  const apiKey = options.apiKey ?? (provider === 'openai' ? process.env.OPENAI_API_KEY : undefined)
  if (provider === 'openai' && (apiKey === undefined || apiKey === '')) {
    throw new LivingDbError('MODEL_CONFIG_INVALID', `The openai model "${options.modelId}" needs an API key. Set OPENAI_API_KEY or pass apiKey; or use an offline model (LIVINGDB_MODEL=offline:default).`)
  }
  const client = new OpenAI({
    apiKey: apiKey === undefined || apiKey === '' ? 'not-needed' : apiKey,
    ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.headers === undefined ? {} : { defaultHeaders: { ...options.headers } }),
  })
  const identity: ModelIdentity = {
    provider,
    modelId: options.modelId,
    timeoutMs,
    keySetting: provider === 'openai' ? 'OPENAI_API_KEY' : 'LIVINGDB_API_KEY',
  }
  return { client, identity }
}
