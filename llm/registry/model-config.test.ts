import { describe, expect, it } from 'vitest'
import { catchLivingDbError } from '../test-support/catch-error.js'
import {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_TIMEOUT_MS,
  embeddingModelIdFromEnv,
  languageModelIdFromEnv,
  resolveConnection,
} from './model-config.js'


describe('model ids from the environment', () => {
  it('defaults to the offline provider when nothing is configured', () => {
    expect(languageModelIdFromEnv({})).toBe('offline:default')
    expect(embeddingModelIdFromEnv({ LIVINGDB_EMBEDDING_MODEL: '  ' })).toBe('offline:default')
  })
  it('reads LIVINGDB_MODEL and LIVINGDB_EMBEDDING_MODEL', () => {
    expect(languageModelIdFromEnv({ LIVINGDB_MODEL: 'anthropic:claude-haiku-4-5' })).toBe('anthropic:claude-haiku-4-5')
    expect(embeddingModelIdFromEnv({ LIVINGDB_EMBEDDING_MODEL: 'ollama:nomic-embed-text' })).toBe('ollama:nomic-embed-text')
  })
})

describe('resolveConnection', () => {
  it('takes keys and base URLs from the providers\' usual variables', () => {
    const env = { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: 'https://proxy.example/v1/', ANTHROPIC_API_KEY: 'sk-a', OLLAMA_HOST: '10.0.0.2:11434' }
    expect(resolveConnection({ provider: 'openai', settings: { env } })).toMatchObject({ apiKey: 'sk-o', baseUrl: 'https://proxy.example/v1', timeoutMs: DEFAULT_TIMEOUT_MS })
    expect(resolveConnection({ provider: 'anthropic', settings: { env } })).toMatchObject({ apiKey: 'sk-a' })
    expect(resolveConnection({ provider: 'ollama', settings: { env } })).toMatchObject({ baseUrl: 'http://10.0.0.2:11434' })
    expect(resolveConnection({ provider: 'ollama', settings: { env: {} } })).toMatchObject({ baseUrl: DEFAULT_OLLAMA_HOST })
  })

  it('lets code settings override the environment', () => {
    const connection = resolveConnection({
      provider: 'openai',
      settings: { env: { OPENAI_API_KEY: 'from-env', LIVINGDB_MODEL_TIMEOUT_MS: '5000' }, apiKey: 'from-code', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 250 },
    })
    expect(connection).toMatchObject({ apiKey: 'from-code', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 250 })
    expect(resolveConnection({ provider: 'offline', settings: { env: { LIVINGDB_MODEL_TIMEOUT_MS: '5000' } } }).timeoutMs).toBe(5000)
  })

  it('openai-compatible reads LIVINGDB_BASE_URL and LIVINGDB_API_KEY, never OPENAI_API_KEY', () => {
    const connection = resolveConnection({ provider: 'openai-compatible', settings: { env: { LIVINGDB_BASE_URL: 'http://localhost:8000/v1', OPENAI_API_KEY: 'secret' } } })
    expect(connection).toMatchObject({ baseUrl: 'http://localhost:8000/v1', apiKey: 'not-needed' })
    expect(resolveConnection({ provider: 'openai-compatible', settings: { env: { LIVINGDB_BASE_URL: 'http://h/v1', LIVINGDB_API_KEY: 'k' } } }).apiKey).toBe('k')
  })

  it.each([
    ['openai', {}, /OPENAI_API_KEY/],
    ['anthropic', { OPENAI_API_KEY: 'x' }, /ANTHROPIC_API_KEY/],
    ['openai-compatible', {}, /LIVINGDB_BASE_URL/],
    ['openai-compatible', { LIVINGDB_BASE_URL: 'localhost:8000' }, /http:\/\/ or https:\/\//],
    ['openai-compatible', { LIVINGDB_BASE_URL: 'http://' }, /not a valid URL/],
    ['offline', { LIVINGDB_MODEL_TIMEOUT_MS: 'soon' }, /LIVINGDB_MODEL_TIMEOUT_MS/],
  ] as const)('%s with %j fails with MODEL_CONFIG_INVALID naming what to set', (provider, env, message) => {
    const error = catchLivingDbError(() => resolveConnection({ provider, settings: { env } }))
    expect(error.code).toBe('MODEL_CONFIG_INVALID')
    expect(error.message).toMatch(message)
  })
})
