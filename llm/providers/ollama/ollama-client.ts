import { Ollama } from 'ollama'
import { fetch as undiciFetch } from 'undici'
import type { CallSignal } from '../shared/call-signal.js'
import type { ModelIdentity } from '../shared/map-provider-error.js'
import { DEFAULT_TIMEOUT_MS, type ProviderModelOptions } from '../shared/provider-model-options.js'
import type { HeaderReader } from '../shared/retry-after.js'

/** Where Ollama listens by default. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://127.0.0.1:11434'

/** The identity (for errors) and host shared by the Ollama language and embedding models. */
export function ollamaTarget(options: ProviderModelOptions): { readonly identity: ModelIdentity; readonly host: string } {
  return {
    identity: { provider: 'ollama', modelId: options.modelId, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
    host: options.baseUrl ?? DEFAULT_OLLAMA_BASE_URL,
  }
}

/** One call's client and the headers of its last HTTP response (ollama's errors do not carry them). */
export interface OllamaCall {
  readonly client: Ollama
  lastHeaders(): HeaderReader | undefined
}

/**
 * The official `ollama` client for one call. The client passes no abort signal on
 * non-streaming requests, so its `fetch` is undici's with the call's signal
 * (caller abort + whole-reply timeout) attached; it also keeps the response
 * headers so a 429's `Retry-After` can be read.
 */
export function createOllamaCall(args: { readonly host: string; readonly headers?: Readonly<Record<string, string>>; readonly callSignal: CallSignal }): OllamaCall {
  let headers: HeaderReader | undefined
  const fetchWithSignal = async (input: string | URL, init?: Record<string, unknown>): Promise<unknown> => {
    const response = await undiciFetch(input, { ...(init as object), signal: args.callSignal.signal })
    headers = response.headers
    return response
  }
  const client = new Ollama({
    host: args.host,
    fetch: fetchWithSignal as unknown as typeof fetch,
    ...(args.headers === undefined ? {} : { headers: { ...args.headers } }),
  })
  return { client, lastHeaders: () => headers }
}
