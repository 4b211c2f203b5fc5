import type { GenerateRequest, GenerateResult, JsonSchema, LanguageModelV1, Message, ToolCall, ToolDefinition } from '../../spec/index.js'
import { LivingDbError } from '../../../errors/index.js'
import { MAX_ANALYSIS_CHARACTERS, analyzeText, analyzeWithSummary, summarize } from './analyze-text.js'
import { hashHex } from './hash.js'
import { type OfflineTask, semanticOf, taskOf } from './schema-semantics.js'
import { fillSchema } from './schema-filler.js'

/** Options of {@link createOfflineLanguageModel}. */
export interface OfflineLanguageModelOptions {
  /** Sentences in a plain-text reply (the extractive summary), default 3. */
  readonly summarySentences?: number
  /** Topics offered to schemas and `task: topics` replies, default 10. */
  readonly topicLimit?: number
}

const CHARACTERS_PER_TOKEN = 4
const INSTRUCTION_PREFIX = /^(?:please\s+)?(?:summari[sz]e|extract|analy[sz]e|tl;?dr|find|list|identify|classify)\b[^:\n.]{0,80}:\s*/i

/** Estimated tokens of a text: one per four characters, rounded up (what budgets see offline). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN)
}

function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content
  return message.content.map((part) => part.type === 'text' ? part.text : '').filter((text) => text.length > 0).join('\n')
}

/**
 * The text to analyse: the user messages joined by blank lines; when they hold a
 * `<document>…</document>` or `<text>…</text>` block, or a fenced ``` block, only
 * the inside of the first such block (so instructions around it are not analysed).
 * A leading instruction such as "Summarise:" or "Extract the entities from this note:"
 * is dropped too.
 */
export function inputTextOf(messages: readonly Message[]): string {
  const user = messages.filter((message) => message.role === 'user').map(messageText).join('\n\n')
  const tagged = /<(document|text)>([\s\S]*?)<\/\1>/i.exec(user)
  if (tagged !== null) return tagged[2].trim()
  const fenced = /```[^\n]*\n([\s\S]*?)```/.exec(user)
  if (fenced !== null) return fenced[1].trim()
  return user.trim().replace(INSTRUCTION_PREFIX, '')
}

function forcedTool(request: GenerateRequest): ToolDefinition | undefined {
  const tools = request.tools ?? []
  const choice = request.toolChoice
  if (tools.length === 0 || choice === undefined || choice === 'auto' || choice === 'none') return undefined
  if (choice === 'required') {
    return tools.find((tool) => semanticOf(tool.name.replace(/^(?:extract|get|find|record|save)[-_]?/i, '')) !== undefined) ?? tools[0]
  }
  const named = tools.find((tool) => tool.name === choice.toolName)
  if (named === undefined) {
    throw new LivingDbError('INVALID_ARGUMENT', `toolChoice names the tool '${choice.toolName}', which is not in request.tools; add it to tools or change toolChoice.`, { details: { toolName: choice.toolName } })
  }
  return named
}

function taskReply(task: OfflineTask, text: string, options: OfflineLanguageModelOptions): string {
  if (task === 'summary') return summarize(text, { sentences: options.summarySentences ?? 3 }).text
  const analysis = analyzeText(text, { topicLimit: options.topicLimit })
  return JSON.stringify({ [task]: analysis[task] })
}

/**
 * The offline language model: no key, no network, deterministic. It does not
 * "understand" prompts; it runs the heuristic extractors over the user text:
 * - with a `responseSchema` or a forced tool: a value for that JSON Schema filled
 *   from the extracted entities, topics, relationships and summary (as JSON text,
 *   or as one tool call);
 * - with a `task: entities|topics|relationships|summary` line in the system
 *   prompt and no schema: that extraction as JSON (`summary`: plain text);
 * - otherwise: an extractive summary of the user text.
 * Usage is estimated at four characters per token.
 *
 * @example
 * const model = createOfflineLanguageModel()
 * const result = await model.doGenerate({ messages: [{ role: 'user', content: 'Acme acquired Beta Corp.' }],
 *   responseSchema: { name: 'extraction', schema: { type: 'object', properties: { entities: { type: 'array', items: { type: 'string' } } }, required: ['entities'] } } })
 * JSON.parse(result.text) // { entities: ['Acme', 'Beta Corp'] }
 */
export function createOfflineLanguageModel(options: OfflineLanguageModelOptions = {}): LanguageModelV1 {
  if (options.summarySentences !== undefined && (!Number.isInteger(options.summarySentences) || options.summarySentences < 1)) {
    throw new LivingDbError('MODEL_CONFIG_INVALID', `summarySentences must be a positive integer, got ${String(options.summarySentences)}.`)
  }
  return {
    specificationVersion: 'v1',
    provider: 'offline',
    modelId: 'default',
    async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      if (request.abortSignal?.aborted === true) throw new LivingDbError('MODEL_ABORTED', 'The offline model call was aborted by the caller before it started.')
      if (!Array.isArray(request.messages)) throw new LivingDbError('INVALID_ARGUMENT', 'doGenerate needs request.messages to be an array of { role, content } messages.')
      const text = inputTextOf(request.messages)
      if (text.length > MAX_ANALYSIS_CHARACTERS) {
        throw new LivingDbError('MODEL_CALL_FAILED', `The offline model accepts at most ${MAX_ANALYSIS_CHARACTERS} characters of user text, got ${text.length}; split the input.`, { details: { length: text.length } })
      }
      const system = request.messages.filter((message) => message.role === 'system').map(messageText).join('\n')
      const task = taskOf(system)
      const tool = forcedTool(request)
      const schema: JsonSchema | undefined = request.responseSchema?.schema ?? tool?.inputSchema
      const inputTokens = estimateTokens(request.messages.map(messageText).join('\n') + JSON.stringify(request.tools ?? []) + JSON.stringify(request.responseSchema ?? ''))
      const responseId = `offline-${hashHex(JSON.stringify([request.messages, request.responseSchema ?? null, tool?.name ?? null]))}`
      const response = { id: responseId, modelId: 'default' }

      if (schema !== undefined) {
        const { analysis, summary } = analyzeWithSummary(text, { topicLimit: options.topicLimit, summarySentences: options.summarySentences ?? 3 })
        const value = fillSchema(schema, { analysis, summary, task, text })
        const json = JSON.stringify(value)
        const usage = { inputTokens, outputTokens: estimateTokens(json) }
        if (request.responseSchema !== undefined || tool === undefined) return { text: json, toolCalls: [], usage, finishReason: 'stop', response }
        const toolCall: ToolCall = { toolCallId: `call-${hashHex(responseId + tool.name)}`, toolName: tool.name, input: value }
        return { text: '', toolCalls: [toolCall], usage, finishReason: 'tool-calls', response }
      }

      let reply = task === undefined ? summarize(text, { sentences: options.summarySentences ?? 3 }).text : taskReply(task, text, options)
      let finishReason: GenerateResult['finishReason'] = 'stop'
      const limit = request.maxOutputTokens
      if (limit !== undefined && limit >= 0 && estimateTokens(reply) > limit) {
        reply = reply.slice(0, limit * CHARACTERS_PER_TOKEN)
        finishReason = 'length'
      }
      return { text: reply, toolCalls: [], usage: { inputTokens, outputTokens: estimateTokens(reply) }, finishReason, response }
    },
  }
}
