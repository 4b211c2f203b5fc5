import { z } from 'zod'
import type { FinishReason, GenerateResult } from '../../spec/index.js'
import { malformedReply, type ModelIdentity } from '../shared/map-provider-error.js'
import { parseToolArguments } from '../shared/message-parts.js'
import { parseReply } from '../shared/parse-reply.js'

const chatResponseSchema = z.object({
  model: z.string().optional(),
  created_at: z.string().optional(),
  message: z.object({
    content: z.string().default(''),
    tool_calls: z
      .array(z.object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: z.union([z.record(z.string(), z.unknown()), z.string()]) }) }))
      .nullish(),
  }),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().nullish(),
  eval_count: z.number().nullish(),
})

const embedResponseSchema = z.object({
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().nullish(),
})

function mapDoneReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool-calls'
  if (reason === 'stop' || reason === undefined || reason === null) return 'stop'
  if (reason === 'length') return 'length'
  return 'other'
}

/** Validates an `/api/chat` reply. Ollama tool calls carry no id, so ids are `call_<index>`. */
export function toGenerateResult(raw: unknown, identity: ModelIdentity): GenerateResult {
  const reply = parseReply({ schema: chatResponseSchema, raw, identity, expected: 'an Ollama chat reply' })
  const toolCalls = (reply.message.tool_calls ?? []).map((call, index) => ({
    toolCallId: call.id ?? `call_${index}`,
    toolName: call.function.name,
    input: typeof call.function.arguments === 'string' ? parseToolArguments(call.function.arguments) : call.function.arguments,
  }))
  return {
    text: reply.message.content,
    toolCalls,
    usage: { inputTokens: reply.prompt_eval_count ?? 0, outputTokens: reply.eval_count ?? 0 },
    finishReason: mapDoneReason(reply.done_reason, toolCalls.length > 0),
    response: { ...(reply.model === undefined ? {} : { modelId: reply.model }), ...(reply.created_at === undefined ? {} : { id: `${reply.model ?? identity.modelId}@${reply.created_at}` }) },
  }
}

/** Validates an `/api/embed` reply: exactly one vector per input. */
export function toEmbeddings(raw: unknown, identity: ModelIdentity, expected: number): { embeddings: number[][]; inputTokens: number } {
  const reply = parseReply({ schema: embedResponseSchema, raw, identity, expected: 'an Ollama embed reply' })
  if (reply.embeddings.length !== expected) {
    throw malformedReply({ identity, problem: `${reply.embeddings.length} embeddings for ${expected} inputs` })
  }
  return { embeddings: reply.embeddings, inputTokens: reply.prompt_eval_count ?? 0 }
}
