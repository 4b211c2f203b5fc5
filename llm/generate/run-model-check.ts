import { z } from 'zod'
import { costOf, createPriceLookup } from '../guards/index.js'
import type { ModelSettings } from '../registry/index.js'
import type { LanguageModelV1, ModelMiddleware, Usage } from '../spec/index.js'
import { generateObject } from './generate-object.js'

/** The tiny structured task `livingdb llm test` asks every model to do. */
export const MODEL_CHECK_SCHEMA = z.object({
  entities: z.array(z.object({ name: z.string().min(1), type: z.string().min(1) })).min(1),
})

/** The prompt of the model check: a sentence with people, a place and a date. */
export const MODEL_CHECK_PROMPT =
  'List the named entities in this sentence, each with a short type such as person, organization, place or date: ' +
  '"Ada Lovelace wrote to Charles Babbage from London on 12 March 1843."'

/** Options of {@link runModelCheck}. */
export interface ModelCheckOptions {
  /** A `provider:model` id or model object; default `LIVINGDB_MODEL`, else the offline model. */
  readonly model?: string | LanguageModelV1
  /** Endpoint override (e.g. `--base-url` for an openai-compatible server). */
  readonly baseUrl?: string
  /** Other connection settings (keys, timeout, environment). */
  readonly settings?: ModelSettings
  /** Guards around the call; default the process-wide default guards. */
  readonly guards?: readonly ModelMiddleware[]
  /** Prices the call; default the budget guard's pricing table (`DEFAULT_PRICING`). `undefined` = no known price. */
  readonly estimateCostUsd?: (args: { readonly provider: string; readonly modelId: string; readonly usage: Usage }) => number | undefined
}

/** What {@link runModelCheck} returns. */
export interface ModelCheckResult {
  /** `provider:model` of the model that answered. */
  readonly modelId: string
  readonly object: z.infer<typeof MODEL_CHECK_SCHEMA>
  readonly usage: Usage
  readonly costUsd?: number
  readonly latencyMs: number
  /** How many attempts the structured reply took (1 = valid at once). */
  readonly attempts: number
}

function defaultCostEstimate(args: { readonly provider: string; readonly modelId: string; readonly usage: Usage }): number | undefined {
  const price = createPriceLookup()(args.provider, args.modelId)
  return price === undefined ? undefined : costOf(price, args.usage)
}

/**
 * Makes one structured call (entity extraction on a fixed sentence) to show that
 * a model is configured and answers with valid structured output. Backs the
 * `livingdb llm test` command.
 *
 * @example
 * const check = await runModelCheck({ model: 'openai-compatible:qwen2.5', baseUrl: 'http://localhost:8000/v1' })
 * console.log(check.modelId, check.object.entities, check.usage, check.latencyMs)
 */
export async function runModelCheck(options: ModelCheckOptions = {}): Promise<ModelCheckResult> {
  const settings: ModelSettings = { ...options.settings, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) }
  const result = await generateObject({
    ...(options.model === undefined ? {} : { model: options.model }),
    settings,
    schema: MODEL_CHECK_SCHEMA,
    schemaName: 'entities',
    schemaDescription: 'The named entities of the sentence.',
    system: 'You extract named entities. Answer only with the requested JSON.',
    prompt: MODEL_CHECK_PROMPT,
    context: { scope: 'cli', task: 'model-check' },
    ...(options.guards === undefined ? {} : { guards: options.guards }),
  })
  const separator = result.modelId.indexOf(':')
  const estimate = options.estimateCostUsd ?? defaultCostEstimate
  const costUsd = estimate({
    provider: result.modelId.slice(0, separator),
    modelId: result.modelId.slice(separator + 1),
    usage: result.usage,
  })
  return {
    modelId: result.modelId,
    object: result.object,
    usage: result.usage,
    ...(costUsd === undefined ? {} : { costUsd }),
    latencyMs: result.latencyMs,
    attempts: result.attempts,
  }
}
