import { LivingDbError } from '../../errors/index.js'
import type { GenerateRequest, GenerateResult, LanguageModelV1, ModelMiddleware } from '../spec/index.js'
import { isRetryableError } from './guard-error.js'

/** Reported through `onFailover` when a model failed retryably and the next one is tried. */
export interface FailoverEvent {
  readonly from: string
  readonly to: string
  readonly error: unknown
}

/**
 * Candidate models per task kind (`CallContext.task`), best first; `'*'` is used for
 * tasks without their own entry. Each candidate should be a GUARDED model (built with
 * `wrapModel` / `guardLanguageModel`), so its own ledger, budget, rate limit and audit
 * apply under its own provider:model.
 */
export type ModelRoutes = Readonly<Record<string, readonly LanguageModelV1[]>>

/**
 * Calls `models` in order until one succeeds. A failure with `isRetryable: true`
 * (after that model's own retries) moves on to the next model; any other failure is
 * thrown at once. When every model fails retryably, the last error is thrown.
 */
export async function generateWithFailover(args: {
  readonly models: readonly LanguageModelV1[]
  readonly request: GenerateRequest
  readonly onFailover?: (event: FailoverEvent) => void
}): Promise<GenerateResult> {
  const { models, request } = args
  for (let index = 0; ; index++) {
    const model = models[index]!
    try {
      return await model.doGenerate(request)
    } catch (error) {
      const following = models[index + 1]
      if (following === undefined || !isRetryableError(error) || request.abortSignal?.aborted === true) throw error
      args.onFailover?.({ from: `${model.provider}:${model.modelId}`, to: `${following.provider}:${following.modelId}`, error })
    }
  }
}

/**
 * A language model that fails over between `models` (best first). This is the
 * simplest form of routing: build one per task kind, each candidate already guarded.
 *
 * @example
 * const extraction = createRoutedModel({ models: [guardedCheapModel, guardedStrongModel] })
 */
export function createRoutedModel(options: { readonly models: readonly LanguageModelV1[]; readonly onFailover?: (event: FailoverEvent) => void }): LanguageModelV1 {
  const models = checkCandidates('models', options.models)
  return {
    specificationVersion: 'v1',
    provider: 'routed',
    modelId: models.map((model) => `${model.provider}:${model.modelId}`).join('|'),
    doGenerate: (request) => generateWithFailover({ models, request, onFailover: options.onFailover }),
  }
}

/**
 * The routing guard: for a call whose `context.task` has a route (or when `'*'`
 * exists), the candidates are tried in order with failover and `next` is NOT called;
 * other calls go on to `next` unchanged. Put it first (outermost): the candidates
 * carry their own guards, so nothing is counted twice and each attempt is budgeted,
 * rate-limited and audited under the model that actually ran. Embedding calls are
 * never routed (vectors of different models are not comparable).
 *
 * @example
 * createRoutingGuard({ routes: { extraction: [cheap, strong], planning: [strong, cheap] } })
 */
export function createRoutingGuard(options: { readonly routes: ModelRoutes; readonly onFailover?: (event: FailoverEvent) => void }): ModelMiddleware {
  const routes = new Map(Object.entries(options.routes).map(([task, models]) => [task, checkCandidates(`routes.${task}`, models)]))
  const fallback = routes.get('*')
  return {
    name: 'routing',
    async wrapGenerate({ request, context, next }) {
      const models = (context.task === undefined ? undefined : routes.get(context.task)) ?? fallback
      if (models === undefined) return next(request)
      return generateWithFailover({ models, request, onFailover: options.onFailover })
    },
  }
}

function checkCandidates(name: string, models: readonly LanguageModelV1[]): readonly LanguageModelV1[] {
  if (!Array.isArray(models) || models.length === 0 || !models.every((model) => typeof model?.doGenerate === 'function')) {
    throw new LivingDbError('INVALID_ARGUMENT', `Routing option ${name} must be a non-empty list of language models (objects with doGenerate).`, { details: { name } })
  }
  return models
}
