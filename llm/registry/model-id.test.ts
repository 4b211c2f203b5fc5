import { describe, expect, it } from 'vitest'
import { catchLivingDbError } from '../test-support/catch-error.js'
import { formatModelId, parseModelId } from './model-id.js'


describe('parseModelId', () => {
  it('splits provider and model at the first colon', () => {
    expect(parseModelId('openai:gpt-4.1-mini')).toEqual({ provider: 'openai', modelId: 'gpt-4.1-mini' })
    expect(parseModelId('anthropic:claude-haiku-4-5')).toEqual({ provider: 'anthropic', modelId: 'claude-haiku-4-5' })
    expect(parseModelId('ollama:llama3.2:3b')).toEqual({ provider: 'ollama', modelId: 'llama3.2:3b' })
    expect(parseModelId('openai-compatible:Qwen/Qwen2.5-7B-Instruct')).toEqual({ provider: 'openai-compatible', modelId: 'Qwen/Qwen2.5-7B-Instruct' })
    expect(parseModelId(' offline:default ')).toEqual({ provider: 'offline', modelId: 'default' })
    expect(parseModelId('OpenAI:gpt-4o')).toEqual({ provider: 'openai', modelId: 'gpt-4o' })
  })

  it('round-trips through formatModelId', () => {
    expect(formatModelId(parseModelId('ollama:llama3.2:3b'))).toBe('ollama:llama3.2:3b')
  })

  it.each([
    ['', /empty/],
    ['gpt-4.1-mini', /no provider prefix.*openai:gpt-4\.1-mini/],
    ['azure:gpt-4', /unknown provider "azure".*openai, anthropic, ollama, openai-compatible, offline/],
    ['openai:', /empty model name/],
    ['openai:gpt 4', /whitespace/],
  ])('rejects %j with MODEL_CONFIG_INVALID and says what to write', (id, message) => {
    const error = catchLivingDbError(() => parseModelId(id))
    expect(error.code).toBe('MODEL_CONFIG_INVALID')
    expect(error.message).toMatch(message)
  })
})
