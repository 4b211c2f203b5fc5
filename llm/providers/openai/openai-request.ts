import type OpenAI from 'openai'
import { LivingDbError } from '../../../errors/index.js'
import type { GenerateRequest, Message, ToolChoice } from '../../spec/index.js'
import { partsOf, textOf, toolOutputText } from '../shared/message-parts.js'

type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam
type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming

/** OpenAI names (tools, response formats) must match ^[a-zA-Z0-9_-]{1,64}$. */
export function openAIName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64)
  return cleaned === '' ? 'response' : cleaned
}

function assistantMessage(message: Message): ChatMessage {
  const text = textOf(message)
  const toolCalls = partsOf(message).flatMap(part =>
    part.type === 'tool-call'
      ? [{ id: part.toolCallId, type: 'function' as const, function: { name: part.toolName, arguments: JSON.stringify(part.input ?? {}) } }]
      : [],
  )
  return toolCalls.length === 0 ? { role: 'assistant', content: text } : { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
}

/** Converts spec messages to chat-completions messages (tool results become `role: 'tool'` messages). */
export function toOpenAIMessages(messages: readonly Message[]): ChatMessage[] {
  const converted: ChatMessage[] = []
  for (const message of messages) {
    if (message.role === 'assistant') {
      converted.push(assistantMessage(message))
      continue
    }
    const parts = partsOf(message)
    for (const part of parts) {
      if (part.type === 'tool-result') converted.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) })
    }
    if (message.role === 'tool') {
      if (!parts.some(part => part.type === 'tool-result')) {
        throw new LivingDbError('INVALID_ARGUMENT', 'A message with role "tool" must contain tool-result parts ({ type: "tool-result", toolCallId, toolName, output }).')
      }
      continue
    }
    const text = textOf(message)
    if (text !== '' || !parts.some(part => part.type === 'tool-result')) converted.push({ role: message.role, content: text })
  }
  return converted
}

function toOpenAIToolChoice(choice: ToolChoice): ChatBody['tool_choice'] {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.toolName } }
}

/**
 * Builds the chat-completions body for a spec request. A response schema becomes
 * `response_format: { type: 'json_schema' }` with `strict: false` (zod schemas with
 * optional fields are not strict-mode compatible; the reply is validated with zod anyway).
 */
export function toOpenAIChatBody(args: {
  readonly modelId: string
  readonly request: GenerateRequest
  /** Official OpenAI takes `max_completion_tokens`; most compatible servers only know `max_tokens`. */
  readonly maxTokensField: 'max_completion_tokens' | 'max_tokens'
}): ChatBody {
  const { request } = args
  const body: ChatBody = { model: args.modelId, messages: toOpenAIMessages(request.messages) }
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map(tool => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: { ...tool.inputSchema } },
    }))
    if (request.toolChoice !== undefined) body.tool_choice = toOpenAIToolChoice(request.toolChoice)
  }
  if (request.responseSchema !== undefined) {
    const { name, schema, description } = request.responseSchema
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: openAIName(name), schema: { ...schema }, strict: false, ...(description === undefined ? {} : { description }) },
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.maxOutputTokens !== undefined) body[args.maxTokensField] = request.maxOutputTokens
  return body
}
