import { z } from 'zod'
import { generateObject, type LanguageModelV1, type ModelMiddleware } from '../../llm/index.js'
import type { AnswerSentence, AskAnswer, AskResultItem, AskWarning } from '../ask-types.js'
import type { ResolvedAskOptions } from '../parse-ask-args.js'
import type { AnswerNode } from '../plan/plan-node.js'
import { extractiveAnswer } from './extractive-answer.js'

const answerSchema = z.object({
  sentences: z
    .array(z.object({ text: z.string().min(1).max(1_000), sources: z.array(z.number().int().min(1)).min(1).max(10) }))
    .min(1)
    .max(10),
})

const MAX_RECORD_CHARACTERS = 1_200

/** True for the offline provider: it cannot write answers, so the extractive answer is used. */
export function isOfflineModel(model: string | LanguageModelV1 | undefined): boolean {
  if (model === undefined) return true
  return typeof model === 'string' ? model === 'offline' || model.startsWith('offline:') : model.provider === 'offline'
}

async function modelAnswer(args: { readonly question: string; readonly results: readonly AskResultItem[]; readonly model: string | LanguageModelV1; readonly maxSentences: number; readonly guards?: readonly ModelMiddleware[]; readonly abortSignal?: AbortSignal }): Promise<{ answer: AskAnswer; usage: { inputTokens: number; outputTokens: number }; attempts: number }> {
  const top = args.results.slice(0, 8)
  const sources = top.map((item, index) => `[${index + 1}] ${item.key}: ${JSON.stringify(item.value).slice(0, MAX_RECORD_CHARACTERS)}`).join('\n')
  const { object, usage, attempts } = await generateObject({
    model: args.model,
    schema: answerSchema,
    schemaName: 'answer',
    maxRepairs: 1,
    system: `Answer the question from the numbered records only, in at most ${args.maxSentences} sentences. Each sentence lists the numbers of the records it is based on in "sources". If the records do not answer the question, say so in one sentence citing the closest record.`,
    prompt: `Question: ${args.question}\n\nRecords:\n${sources}`,
    ...(args.guards === undefined ? {} : { guards: args.guards }),
    ...(args.abortSignal === undefined ? {} : { abortSignal: args.abortSignal }),
  })
  const sentences: AnswerSentence[] = object.sentences.map((sentence) => ({
    text: sentence.text,
    citations: sentence.sources.filter((source) => source <= top.length).map((source) => {
      const item = top[source - 1]!
      return { key: item.key, keyspace: item.keyspace, txnId: item.citations.find((citation) => citation.txnId !== null)?.txnId ?? null, source: 'answer' }
    }),
  }))
  return {
    answer: { text: sentences.map((sentence) => sentence.text).join(' '), mode: 'model', sentences, citations: sentences.flatMap((sentence) => sentence.citations) },
    usage,
    attempts,
  }
}

/**
 * Writes the answer: with a model (when one is given and the node or options ask for
 * it), a generated answer whose sentences cite the records; otherwise, or when the
 * model fails or the budget is spent, the extractive answer.
 */
export async function answerQuestion(args: {
  readonly question: string
  readonly results: readonly AskResultItem[]
  readonly node: AnswerNode
  readonly model: string | LanguageModelV1 | undefined
  readonly guards?: readonly ModelMiddleware[]
  readonly options: ResolvedAskOptions
  readonly spent: { calls: number; inputTokens: number; outputTokens: number }
  readonly warnings: AskWarning[]
}): Promise<AskAnswer | undefined> {
  const extractive = (): AskAnswer | undefined => extractiveAnswer({ question: args.question, results: args.results, maxSentences: args.node.maxSentences })
  const wantsModel = args.node.mode !== 'extractive' && args.options.answer !== 'extractive' && !isOfflineModel(args.model)
  const aggregate = args.results.length > 0 && args.results.every((item) => item.keyspace === '(aggregate)')
  if (!wantsModel || args.results.length === 0 || aggregate) return extractive()
  const budget = args.options.budget
  if (args.spent.calls >= budget.modelCalls || args.spent.inputTokens + args.spent.outputTokens >= budget.modelTokens) {
    args.warnings.push({ code: 'QUERY_BUDGET_MODEL', message: 'The model budget (budget.modelCalls / budget.modelTokens) is spent: the answer is extractive.' })
    return extractive()
  }
  try {
    const { answer, usage, attempts } = await modelAnswer({ question: args.question, results: args.results, model: args.model!, maxSentences: args.node.maxSentences, ...(args.guards === undefined ? {} : { guards: args.guards }), ...(args.options.abortSignal === undefined ? {} : { abortSignal: args.options.abortSignal }) })
    args.spent.calls += attempts
    args.spent.inputTokens += usage.inputTokens
    args.spent.outputTokens += usage.outputTokens
    return answer
  } catch (error) {
    args.warnings.push({ code: 'QUERY_ANSWER_MODEL_FAILED', message: `The model could not write the answer (${(error as Error).message}): the answer is extractive.` })
    return extractive()
  }
}
