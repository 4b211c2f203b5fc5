import { ModelConfigError } from './model-config-error.js'

/** Providers a model id may name. */
export const PROVIDER_NAMES = ['openai', 'anthropic', 'ollama', 'openai-compatible', 'offline'] as const

/** A provider a model id may name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number]

/** A parsed `provider:model` id. */
export interface ParsedModelId {
  readonly provider: ProviderName
  /** Everything after the first colon, so `ollama:llama3.2:3b` keeps its tag. */
  readonly modelId: string
}

const EXAMPLES = '"openai:gpt-4.1-mini", "anthropic:claude-haiku-4-5", "ollama:llama3.2", "openai-compatible:<model>" (with a base URL) or "offline:default"'

function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value)
}

/**
 * Parses a `provider:model` id. The provider is everything before the first colon;
 * the model is the rest, which may itself contain colons (Ollama tags).
 *
 * @throws ModelConfigError (`MODEL_CONFIG_INVALID`) for an empty id, a missing
 *   prefix, an unknown provider, or a model name that is empty or contains whitespace.
 *
 * @example
 * parseModelId('ollama:llama3.2:3b') // { provider: 'ollama', modelId: 'llama3.2:3b' }
 */
export function parseModelId(id: string): ParsedModelId {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ModelConfigError(`The model id is empty. Write it as provider:model, e.g. ${EXAMPLES}.`)
  }
  const trimmed = id.trim()
  const colon = trimmed.indexOf(':')
  if (colon < 0) {
    throw new ModelConfigError(
      `Model id "${trimmed}" has no provider prefix. Write it as provider:model, e.g. ${EXAMPLES}.`,
      { details: { modelId: trimmed } },
    )
  }
  const provider = trimmed.slice(0, colon).toLowerCase()
  const modelId = trimmed.slice(colon + 1)
  if (!isProviderName(provider)) {
    throw new ModelConfigError(
      `Model id "${trimmed}" names the unknown provider "${provider}". Use one of ${PROVIDER_NAMES.join(', ')}, e.g. ${EXAMPLES}.`,
      { details: { modelId: trimmed, provider } },
    )
  }
  if (modelId === '' || /\s/.test(modelId)) {
    throw new ModelConfigError(
      `Model id "${trimmed}" has ${modelId === '' ? 'an empty' : 'a whitespace-containing'} model name after "${provider}:". Write it as provider:model, e.g. ${EXAMPLES}.`,
      { details: { modelId: trimmed, provider } },
    )
  }
  return { provider, modelId }
}

/** Formats a parsed id back into its `provider:model` string. */
export function formatModelId(parsed: ParsedModelId): string {
  return `${parsed.provider}:${parsed.modelId}`
}
