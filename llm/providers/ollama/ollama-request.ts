import type { ChatRequest, Message as OllamaMessage, Tool as OllamaTool } from 'ollama'
import type { GenerateRequest, Message } from '../../spec/index.js'
import { partsOf, textOf, toolOutputText } from '../shared/message-parts.js'

function toOllamaMessages(messages: readonly Message[]): OllamaMessage[] {
  const converted: OllamaMessage[] = []
  for (const message of messages) {
    const parts = partsOf(message)
    for (const part of parts) {
      if (part.type === 'tool-result') converted.push({ role: 'tool', content: toolOutputText(part.output), tool_name: part.toolName })
    }
    const text = textOf(message)
    const toolCalls = parts.flatMap(part =>
      part.type === 'tool-call' ? [{ function: { name: part.toolName, arguments: (part.input ?? {}) as Record<string, unknown> } }] : [],
    )
    if (message.role === 'tool' || (text === '' && toolCalls.length === 0 && parts.some(part => part.type === 'tool-result'))) continue
    converted.push({ role: message.role, content: text, ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }) })
  }
  return converted
}

/**
 * Builds the `/api/chat` body. A response schema becomes `format: <schema>`.
 * Ollama has no tool choice: 'none' sends no tools, a named tool sends only that
 * tool, 'auto' and 'required' send them all.
 */
export function toOllamaChatBody(args: { readonly modelId: string; readonly request: GenerateRequest }): ChatRequest & { stream: false } {
  const { request } = args
  const body: ChatRequest & { stream: false } = { model: args.modelId, messages: toOllamaMessages(request.messages), stream: false }
  const choice = request.toolChoice
  const tools = (request.tools ?? []).filter(tool => choice === undefined || typeof choice === 'string' || tool.name === choice.toolName)
  if (tools.length > 0 && choice !== 'none') {
    body.tools = tools.map(
      (tool): OllamaTool => ({
        type: 'function',
        function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: { ...tool.inputSchema } as OllamaTool['function']['parameters'] },
      }),
    )
  }
  if (request.responseSchema !== undefined) body.format = { ...request.responseSchema.schema }
  const options: Record<string, number> = {}
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens
  if (Object.keys(options).length > 0) body.options = options
  return body
}
