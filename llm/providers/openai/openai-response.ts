import { z } from 'zod'
import type { FinishReason, GenerateResult } from '../../spec/index.js'
import { malformedReply, type ModelIdentity } from '../shared/map-provider-error.js'
import { parseToolArguments } from '../shared/message-parts.js'
import { parseReply } from '../shared/parse-reply.js'

const chatCompletionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
})

const embeddingResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number() }).nullish(),
})

function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop'
    case 'length':
      return 'length'
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls'
    case 'content_filter':
      return 'content-filter'
    default:
      return 'other'
  }
}

/** Validates a chat-completions reply and maps it to a spec result (first choice only). */
export function toGenerateResult(raw: unknown, identity: ModelIdentity): GenerateResult {
  const reply = parseReply({ schema: chatCompletionSchema, raw, identity, expected: 'a chat completion' })
  const choice = reply.choices[0]!
  const refused = choice.message.refusal != null && choice.message.refusal !== '' && !choice.message.content
  return {
    text: choice.message.content ?? '',
    toolCalls: (choice.message.tool_calls ?? []).map(call => ({
      toolCallId: call.id,
      toolName: call.function.name,
      input: parseToolArguments(call.function.arguments),
    })),
    usage: { inputTokens: reply.usage?.prompt_tokens ?? 0, outputTokens: reply.usage?.completion_tokens ?? 0 },
    finishReason: refused ? 'content-filter' : mapFinishReason(choice.finish_reason),
    response: { ...(reply.id === undefined ? {} : { id: reply.id }), ...(reply.model === undefined ? {} : { modelId: reply.model }) },
  }
}

/** Validates an embeddings reply: one vector per input, returned in input order. */
export function toEmbeddings(raw: unknown, identity: ModelIdentity, expected: number): { embeddings: number[][]; inputTokens: number } {
  const reply = parseReply({ schema: embeddingResponseSchema, raw, identity, expected: 'an embeddings list' })
  const embeddings: number[][] = new Array<number[]>(expected)
  for (const item of reply.data) {
    if (item.index >= expected) throw malformedReply({ identity, problem: `embedding index ${item.index} is out of range for ${expected} inputs` })
    embeddings[item.index] = item.embedding
  }
  for (let index = 0; index < expected; index++) {
    if (embeddings[index] === undefined) throw malformedReply({ identity, problem: `no embedding for input ${index} of ${expected}` })
  }
  return { embeddings, inputTokens: reply.usage?.prompt_tokens ?? 0 }
}
