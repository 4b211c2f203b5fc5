import type { ModelSettings } from '../registry/index.js'
import type { FinishReason, GenerateResult, LanguageModelV1, ToolCall, ToolChoice, ToolDefinition, Usage } from '../spec/index.js'
import { buildMessages, type PromptInput } from './build-messages.js'
import { prepareLanguageModel, qualifiedModelId, type ModelCallOptions } from './model-call-options.js'

/** Options of {@link generateText}. */
export interface GenerateTextOptions extends ModelCallOptions, PromptInput {
  /** A `provider:model` id or a model object; default `LIVINGDB_MODEL`, else the offline model. */
  readonly model?: string | LanguageModelV1
  /** Keys, base URL and timeout when `model` is an id. */
  readonly settings?: ModelSettings
  readonly tools?: readonly ToolDefinition[]
  readonly toolChoice?: ToolChoice
  readonly temperature?: number
  readonly maxOutputTokens?: number
}

/** What {@link generateText} returns. */
export interface GenerateTextResult {
  readonly text: string
  readonly toolCalls: readonly ToolCall[]
  readonly usage: Usage
  readonly finishReason: FinishReason
  readonly response?: GenerateResult['response']
  /** `provider:model` of the model that was asked. */
  readonly modelId: string
  /** Wall time of the call, guards included. */
  readonly latencyMs: number
}

/**
 * Asks a language model for text (or tool calls), through the guards.
 *
 * @example
 * const { text, usage } = await generateText({ model: 'openai:gpt-4.1-mini', system: 'Be brief.', prompt: 'Name a prime.' })
 */
export async function generateText(options: GenerateTextOptions): Promise<GenerateTextResult> {
  const messages = buildMessages(options)
  const model = prepareLanguageModel(options)
  const started = performance.now()
  const result = await model.doGenerate({
    messages,
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    ...(options.toolChoice === undefined ? {} : { toolChoice: options.toolChoice }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  })
  return {
    text: result.text,
    toolCalls: result.toolCalls,
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.response === undefined ? {} : { response: result.response }),
    modelId: qualifiedModelId(model),
    latencyMs: performance.now() - started,
  }
}
