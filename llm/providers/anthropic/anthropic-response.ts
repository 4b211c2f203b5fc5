import { z } from 'zod'
import type { FinishReason, GenerateResult, ToolCall } from '../../spec/index.js'
import type { ModelIdentity } from '../shared/map-provider-error.js'
import { parseReply } from '../shared/parse-reply.js'

const messageSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  content: z.array(
    z.union([
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
      z.object({ type: z.string() }),
    ]),
  ),
  stop_reason: z.string().nullish(),
  usage: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  }),
})

function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return 'tool-calls'
    case 'refusal':
      return 'content-filter'
    default:
      return 'other'
  }
}

/**
 * Validates a messages reply and maps it to a spec result. When the request asked
 * for structured output (`responseToolName`), the forced tool's input becomes the
 * JSON `text` and that synthetic call is left out of `toolCalls`.
 */
export function toGenerateResult(raw: unknown, identity: ModelIdentity, responseToolName: string | undefined): GenerateResult {
  const reply = parseReply({ schema: messageSchema, raw, identity, expected: 'an Anthropic message' })
  let text = ''
  let structured: string | undefined
  const toolCalls: ToolCall[] = []
  for (const block of reply.content) {
    if (block.type === 'text' && 'text' in block) text += block.text
    else if (block.type === 'tool_use' && 'name' in block) {
      if (block.name === responseToolName && structured === undefined) structured = JSON.stringify(block.input ?? null)
      else toolCalls.push({ toolCallId: block.id, toolName: block.name, input: block.input })
    }
  }
  const finishReason = mapStopReason(reply.stop_reason)
  const usage = reply.usage
  return {
    text: structured ?? text,
    toolCalls,
    usage: {
      inputTokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
      outputTokens: usage.output_tokens,
    },
    finishReason: structured !== undefined && finishReason === 'tool-calls' && toolCalls.length === 0 ? 'stop' : finishReason,
    response: { ...(reply.id === undefined ? {} : { id: reply.id }), ...(reply.model === undefined ? {} : { modelId: reply.model }) },
  }
}
