import { DEFAULT_OLLAMA_BASE_URL } from '../providers/ollama/ollama-client.js'
import { DEFAULT_TIMEOUT_MS } from '../providers/shared/provider-model-options.js'
import { ModelConfigError } from './model-config-error.js'
import type { ProviderName } from './model-id.js'

/** Environment variables, e.g. `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>

/** Used when neither code nor `LIVINGDB_MODEL` names a language model. */
export const DEFAULT_LANGUAGE_MODEL_ID = 'offline:default'
/** Used when neither code nor `LIVINGDB_EMBEDDING_MODEL` names an embedding model. */
export const DEFAULT_EMBEDDING_MODEL_ID = 'offline:default'
export { DEFAULT_TIMEOUT_MS }
/** Where Ollama listens when `OLLAMA_HOST` is not set. */
export const DEFAULT_OLLAMA_HOST = DEFAULT_OLLAMA_BASE_URL

/**
 * Connection settings given in code. Each one overrides its environment variable.
 *
 * | setting   | environment                                                              |
 * |-----------|--------------------------------------------------------------------------|
 * | apiKey    | OPENAI_API_KEY, ANTHROPIC_API_KEY, LIVINGDB_API_KEY (openai-compatible)   |
 * | baseUrl   | OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST, LIVINGDB_BASE_URL (openai-compatible) |
 * | timeoutMs | LIVINGDB_MODEL_TIMEOUT_MS                                                |
 */
export interface ModelSettings {
  readonly apiKey?: string
  readonly baseUrl?: string
  readonly timeoutMs?: number
  /** Extra HTTP headers sent with every call (e.g. a proxy's auth header). */
  readonly headers?: Readonly<Record<string, string>>
  /** Where to read variables from; defaults to `process.env`. */
  readonly env?: Environment
}

/** What a provider needs to connect, after code settings and environment are merged. */
export interface ProviderConnection {
  readonly apiKey?: string
  readonly baseUrl?: string
  readonly timeoutMs: number
  readonly headers?: Readonly<Record<string, string>>
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** The language model id from `LIVINGDB_MODEL`, or the offline default. */
export function languageModelIdFromEnv(env: Environment): string {
  return nonEmpty(env.LIVINGDB_MODEL) ?? DEFAULT_LANGUAGE_MODEL_ID
}

/** The embedding model id from `LIVINGDB_EMBEDDING_MODEL`, or the offline default. */
export function embeddingModelIdFromEnv(env: Environment): string {
  return nonEmpty(env.LIVINGDB_EMBEDDING_MODEL) ?? DEFAULT_EMBEDDING_MODEL_ID
}

function readTimeout(settings: ModelSettings, env: Environment): number {
  const raw = settings.timeoutMs ?? nonEmpty(env.LIVINGDB_MODEL_TIMEOUT_MS)
  if (raw === undefined) return DEFAULT_TIMEOUT_MS
  const value = typeof raw === 'number' ? raw : Number(raw)
  if (!Number.isInteger(value) || value <= 0) {
    throw new ModelConfigError(
      `The model timeout "${String(raw)}" is not a positive whole number of milliseconds. Set timeoutMs or LIVINGDB_MODEL_TIMEOUT_MS to e.g. 60000.`,
      { details: { timeoutMs: String(raw) } },
    )
  }
  return value
}

function checkHttpUrl(value: string, setting: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ModelConfigError(
      `The base URL "${value}" (from ${setting}) is not a valid URL. Set it to e.g. http://localhost:8000/v1.`,
      { details: { baseUrl: value, setting } },
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelConfigError(
      `The base URL "${value}" (from ${setting}) must start with http:// or https://, e.g. http://localhost:8000/v1.`,
      { details: { baseUrl: value, setting } },
    )
  }
  return value.replace(/\/+$/, '')
}

function requireKey(args: { provider: string; key: string | undefined; variable: string }): string {
  if (args.key === undefined) {
    throw new ModelConfigError(
      `The ${args.provider} provider needs an API key. Set ${args.variable} or pass apiKey in code; or use LIVINGDB_MODEL=offline:default to run without a key.`,
      { details: { provider: args.provider, variable: args.variable } },
    )
  }
  return args.key
}

/**
 * Merges code settings with the environment for one provider and checks that
 * everything it needs is there.
 *
 * @throws ModelConfigError naming the variable to set when a key or base URL is missing or malformed.
 */
export function resolveConnection(args: { readonly provider: ProviderName; readonly settings?: ModelSettings }): ProviderConnection {
  const settings = args.settings ?? {}
  const env = settings.env ?? process.env
  const timeoutMs = readTimeout(settings, env)
  const headers = settings.headers
  const fromCode = nonEmpty(settings.baseUrl)
  switch (args.provider) {
    case 'openai': {
      const baseUrl = fromCode ?? nonEmpty(env.OPENAI_BASE_URL)
      const apiKey = requireKey({ provider: 'openai', key: nonEmpty(settings.apiKey) ?? nonEmpty(env.OPENAI_API_KEY), variable: 'OPENAI_API_KEY' })
      return { apiKey, timeoutMs, headers, ...(baseUrl === undefined ? {} : { baseUrl: checkHttpUrl(baseUrl, fromCode ? 'baseUrl' : 'OPENAI_BASE_URL') }) }
    }
    case 'anthropic': {
      const baseUrl = fromCode ?? nonEmpty(env.ANTHROPIC_BASE_URL)
      const apiKey = requireKey({ provider: 'anthropic', key: nonEmpty(settings.apiKey) ?? nonEmpty(env.ANTHROPIC_API_KEY), variable: 'ANTHROPIC_API_KEY' })
      return { apiKey, timeoutMs, headers, ...(baseUrl === undefined ? {} : { baseUrl: checkHttpUrl(baseUrl, fromCode ? 'baseUrl' : 'ANTHROPIC_BASE_URL') }) }
    }
    case 'openai-compatible': {
      const baseUrl = fromCode ?? nonEmpty(env.LIVINGDB_BASE_URL)
      if (baseUrl === undefined) {
        throw new ModelConfigError(
          'An openai-compatible model needs the endpoint\'s base URL. Set LIVINGDB_BASE_URL (e.g. http://localhost:8000/v1 for vLLM, http://localhost:1234/v1 for LM Studio) or pass baseUrl in code.',
          { details: { provider: 'openai-compatible', variable: 'LIVINGDB_BASE_URL' } },
        )
      }
      // Local servers rarely check keys; the openai client insists on a non-empty one.
      const apiKey = nonEmpty(settings.apiKey) ?? nonEmpty(env.LIVINGDB_API_KEY) ?? 'not-needed'
      return { apiKey, timeoutMs, headers, baseUrl: checkHttpUrl(baseUrl, fromCode ? 'baseUrl' : 'LIVINGDB_BASE_URL') }
    }
    case 'ollama': {
      const host = fromCode ?? nonEmpty(env.OLLAMA_HOST) ?? DEFAULT_OLLAMA_HOST
      const withScheme = host.includes('://') ? host : `http://${host}`
      return { timeoutMs, headers, baseUrl: checkHttpUrl(withScheme, fromCode ? 'baseUrl' : 'OLLAMA_HOST') }
    }
    case 'offline':
      return { timeoutMs }
  }
}
