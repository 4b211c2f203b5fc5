import OpenAI from 'openai'
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
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'not-needed',
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
