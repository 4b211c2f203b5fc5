import type Anthropic from '@anthropic-ai/sdk'
import type { GenerateRequest, Message, ToolChoice } from '../../spec/index.js'
import { partsOf, textOf, toolOutputText } from '../shared/message-parts.js'

type MessageParam = Anthropic.MessageParam
type ContentBlock = Anthropic.ContentBlockParam
type Body = Anthropic.MessageCreateParamsNonStreaming

/** Anthropic requires `max_tokens`; used when the request sets none. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096

/** Tool names must match ^[a-zA-Z0-9_-]{1,64}$. */
export function anthropicToolName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64)
  return cleaned === '' ? 'response' : cleaned
}

function blocksOf(message: Message): ContentBlock[] {
  const blocks: ContentBlock[] = []
  for (const part of partsOf(message)) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text })
    } else if (part.type === 'tool-call') {
      blocks.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input ?? {} })
    } else {
      blocks.push({ type: 'tool_result', tool_use_id: part.toolCallId, content: toolOutputText(part.output) })
    }
  }
  return blocks
}

/**
 * Converts spec messages to Anthropic's: system messages become the `system`
 * parameter, tool results travel in user turns, and consecutive turns of the same
 * role are merged (the API expects user and assistant to alternate).
 */
export function toAnthropicMessages(messages: readonly Message[]): { system: string | undefined; messages: MessageParam[] } {
  const systemTexts: string[] = []
  const converted: { role: 'user' | 'assistant'; content: ContentBlock[] }[] = []
  for (const message of messages) {
    if (message.role === 'system') {
      systemTexts.push(textOf(message))
      continue
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user'
    const blocks = blocksOf(message)
    if (blocks.length === 0) continue
    const previous = converted.at(-1)
    if (previous !== undefined && previous.role === role) previous.content.push(...blocks)
    else converted.push({ role, content: blocks })
  }
  return { system: systemTexts.length === 0 ? undefined : systemTexts.join('\n\n'), messages: converted }
}

function toAnthropicToolChoice(choice: ToolChoice): NonNullable<Body['tool_choice']> {
  if (choice === 'auto') return { type: 'auto' }
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any' }
  return { type: 'tool', name: choice.toolName }
}

/**
 * Builds the messages body. Anthropic has no response-format parameter, so a
 * response schema becomes one more tool, forced with `tool_choice`; its input is
 * the structured reply.
 */
export function toAnthropicBody(args: { readonly modelId: string; readonly request: GenerateRequest }): { body: Body; responseToolName: string | undefined } {
  const { request } = args
  const { system, messages } = toAnthropicMessages(request.messages)
  const body: Body = { model: args.modelId, max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS, messages }
  if (system !== undefined) body.system = system
  const tools: Anthropic.Tool[] = (request.tools ?? []).map(tool => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: { type: 'object', ...tool.inputSchema },
  }))
  let responseToolName: string | undefined
  if (request.responseSchema !== undefined) {
    responseToolName = anthropicToolName(request.responseSchema.name)
    tools.push({
      name: responseToolName,
      description: request.responseSchema.description ?? 'Reply by calling this tool with the structured answer.',
      input_schema: { type: 'object', ...request.responseSchema.schema },
    })
    body.tool_choice = { type: 'tool', name: responseToolName }
  } else if (request.toolChoice !== undefined && tools.length > 0) {
    body.tool_choice = toAnthropicToolChoice(request.toolChoice)
  }
  if (tools.length > 0) body.tools = tools
  // `temperature` is not sent: the current messages API (SDK 1.x) has no such parameter.
  return { body, responseToolName }
}
