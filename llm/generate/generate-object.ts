import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { ModelSettings } from '../registry/index.js'
import type { FinishReason, GenerateResult, JsonSchema, LanguageModelV1, Message, Usage } from '../spec/index.js'
import { buildMessages, type PromptInput } from './build-messages.js'
import { prepareLanguageModel, qualifiedModelId, type ModelCallOptions } from './model-call-options.js'
import { ModelOutputError } from './model-output-error.js'
import { parseJsonReply } from './parse-json-reply.js'

/** Options of {@link generateObject}. */
export interface GenerateObjectOptions<T> extends ModelCallOptions, PromptInput {
  /** A `provider:model` id or a model object; default `LIVINGDB_MODEL`, else the offline model. */
  readonly model?: string | LanguageModelV1
  readonly settings?: ModelSettings
  /** The zod 4 schema the reply must satisfy. */
  readonly schema: z.ZodType<T>
  /** Name of the structured output (tool / response-format name); default 'response'. */
  readonly schemaName?: string
  readonly schemaDescription?: string
  /** How many times an invalid reply is sent back with its validation errors; default 2. */
  readonly maxRepairs?: number
  readonly temperature?: number
  readonly maxOutputTokens?: number
}

/** What {@link generateObject} returns. */
export interface GenerateObjectResult<T> {
  /** The validated object. */
  readonly object: T
  /** The raw reply that validated. */
  readonly text: string
  /** Tokens of every attempt, summed. */
  readonly usage: Usage
  readonly finishReason: FinishReason
  readonly response?: GenerateResult['response']
  /** 1 when the first reply validated; at most 1 + maxRepairs. */
  readonly attempts: number
  readonly modelId: string
  readonly latencyMs: number
}

/** The JSON Schema sent to the provider; non-object roots are wrapped in `{ value }` since providers require an object. */
export function toResponseSchema(schema: z.ZodType): { readonly jsonSchema: JsonSchema; readonly wrapped: boolean } {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  if (jsonSchema.type === 'object') return { jsonSchema, wrapped: false }
  return { jsonSchema: { type: 'object', properties: { value: jsonSchema }, required: ['value'], additionalProperties: false }, wrapped: true }
}

function replyText(result: GenerateResult, schemaName: string): string {
  if (result.text.trim() !== '') return result.text
  const call = result.toolCalls.find(candidate => candidate.toolName === schemaName) ?? result.toolCalls[0]
  return call === undefined ? '' : JSON.stringify(call.input ?? null)
}

function repairPrompt(problems: string): Message {
  return {
    role: 'user',
    content: `Your previous reply did not match the required JSON schema:\n${problems}\nReply again with only the corrected JSON value, no prose and no code fence.`,
  }
}

/**
 * Asks a model for a value matching a zod schema: the schema is converted with
 * `z.toJSONSchema` and sent as the request's `responseSchema` (each provider uses
 * its best mechanism: OpenAI `response_format`, Ollama `format`, Anthropic a forced
 * tool). The reply is parsed and validated with zod; an invalid reply is sent back
 * with the validation errors, at most `maxRepairs` times, then `MODEL_OUTPUT_INVALID`
 * is thrown carrying every raw reply.
 *
 * @example
 * const { object } = await generateObject({
 *   model: 'openai:gpt-4.1-mini',
 *   schema: z.object({ people: z.array(z.string()) }),
 *   prompt: 'Who is named in: "Dana met Lee in Oslo"?',
 * })
 */
export async function generateObject<T>(options: GenerateObjectOptions<T>): Promise<GenerateObjectResult<T>> {
  const maxRepairs = options.maxRepairs ?? 2
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0) {
    throw new LivingDbError('INVALID_ARGUMENT', `maxRepairs must be a whole number >= 0 (got ${String(maxRepairs)}); the default is 2.`)
  }
  const conversation = buildMessages(options)
  const model = prepareLanguageModel(options)
  const schemaName = options.schemaName ?? 'response'
  const { jsonSchema, wrapped } = toResponseSchema(options.schema)
  const started = performance.now()
  const rawReplies: string[] = []
  let inputTokens = 0
  let outputTokens = 0
  let issues = ''
  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    const result = await model.doGenerate({
      messages: conversation,
      responseSchema: { name: schemaName, schema: jsonSchema, ...(options.schemaDescription === undefined ? {} : { description: options.schemaDescription }) },
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
      ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
    })
    inputTokens += result.usage.inputTokens
    outputTokens += result.usage.outputTokens
    const text = replyText(result, schemaName)
    rawReplies.push(text)
    const json = parseJsonReply(text)
    if (json.ok) {
      const candidate = wrapped && typeof json.value === 'object' && json.value !== null && 'value' in json.value ? (json.value as { value: unknown }).value : json.value
      const validated = options.schema.safeParse(candidate)
      if (validated.success) {
        return {
          object: validated.data,
          text,
          usage: { inputTokens, outputTokens },
          finishReason: result.finishReason,
          ...(result.response === undefined ? {} : { response: result.response }),
          attempts: attempt,
          modelId: qualifiedModelId(model),
          latencyMs: performance.now() - started,
        }
      }
      issues = z.prettifyError(validated.error)
    } else {
      issues = json.problem
    }
    conversation.push({ role: 'assistant', content: text }, repairPrompt(issues))
  }
  throw new ModelOutputError({ modelId: qualifiedModelId(model), rawReplies, issues })
}
