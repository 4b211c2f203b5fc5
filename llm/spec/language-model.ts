import type { Message } from './message.js'
import type { JsonSchema, ToolCall, ToolChoice, ToolDefinition } from './tool.js'
import type { FinishReason, Usage } from './usage.js'

/** What a caller asks a language model for. Plain JSON except `abortSignal`. */
export interface GenerateRequest {
  readonly messages: readonly Message[]
  readonly tools?: readonly ToolDefinition[]
  readonly toolChoice?: ToolChoice
  /**
   * Ask for a JSON reply matching this schema. Providers use their native
   * structured-output feature (OpenAI `response_format: json_schema`, Ollama
   * `format`); providers without one receive it as a forced tool call.
   */
  readonly responseSchema?: { readonly name: string; readonly schema: JsonSchema; readonly description?: string }
  readonly temperature?: number
  readonly maxOutputTokens?: number
  readonly abortSignal?: AbortSignal
}

/** What a language model returns. */
export interface GenerateResult {
  /** Concatenated text output ('' when the model only called tools). */
  readonly text: string
  readonly toolCalls: readonly ToolCall[]
  readonly usage: Usage
  readonly finishReason: FinishReason
  /** Provider-specific response metadata (ids, raw model name); plain JSON. */
  readonly response?: { readonly id?: string; readonly modelId?: string }
}

/**
 * The contract every language-model provider implements (spec v1).
 *
 * Apps do not call `doGenerate` directly: they call `generateText` /
 * `generateObject`, which route the call through the guard middleware.
 *
 * @example
 * const model: LanguageModelV1 = {
 *   specificationVersion: 'v1', provider: 'echo', modelId: 'echo-1',
 *   async doGenerate(request) {
 *     const last = request.messages.at(-1)
 *     return { text: typeof last?.content === 'string' ? last.content : '', toolCalls: [],
 *              usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' }
 *   },
 * }
 */
export interface LanguageModelV1 {
  readonly specificationVersion: 'v1'
  /** Provider name as used in model ids: 'openai', 'anthropic', 'ollama', 'openai-compatible:<name>', 'offline'. */
  readonly provider: string
  readonly modelId: string
  doGenerate(request: GenerateRequest): Promise<GenerateResult>
}
