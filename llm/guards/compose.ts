import type {
  CallContext, EmbedRequest, EmbedResult, EmbeddingModelV1, GenerateRequest, GenerateResult, LanguageModelV1, ModelMiddleware,
} from '../spec/index.js'

/**
 * Folds middlewares into one, the first in the list being the outermost: a call goes
 * through `middlewares[0]`, then `[1]`, ..., then the `next` given to the result.
 * Middlewares without `wrapGenerate` / `wrapEmbed` are skipped for that kind of call.
 *
 * @example
 * const guards = composeMiddleware(createDefaultGuards())
 * const result = await guards.wrapGenerate!({ request, model, context, next: (r) => model.doGenerate(r) })
 */
export function composeMiddleware(middlewares: readonly ModelMiddleware[]): ModelMiddleware {
  const generateLayers = middlewares.filter((layer) => layer.wrapGenerate !== undefined)
  const embedLayers = middlewares.filter((layer) => layer.wrapEmbed !== undefined)
  return {
    name: `compose(${middlewares.map((layer) => layer.name).join(',')})`,
    wrapGenerate({ request, model, context, next }) {
      const step = (index: number, current: GenerateRequest): Promise<GenerateResult> =>
        index === generateLayers.length
          ? next(current)
          : generateLayers[index]!.wrapGenerate!({ request: current, model, context, next: (nextRequest) => step(index + 1, nextRequest) })
      return step(0, request)
    },
    wrapEmbed({ request, model, context, next }) {
      const step = (index: number, current: EmbedRequest): Promise<EmbedResult> =>
        index === embedLayers.length
          ? next(current)
          : embedLayers[index]!.wrapEmbed!({ request: current, model, context, next: (nextRequest) => step(index + 1, nextRequest) })
      return step(0, request)
    },
  }
}

/**
 * A language model whose `doGenerate` runs through `middleware` (first = outermost)
 * with a fixed call context. `llm/generate`'s `wrapModel` is the app-facing form;
 * this one is for guard tests, benchmarks and routing candidates.
 *
 * @example
 * const guarded = guardLanguageModel({ model, middleware: createDefaultGuards(), context: { scope: 'cli' } })
 */
export function guardLanguageModel(args: {
  readonly model: LanguageModelV1
  readonly middleware: readonly ModelMiddleware[]
  readonly context: CallContext
}): LanguageModelV1 {
  const { model, context } = args
  const composed = composeMiddleware(args.middleware)
  const terminal = (request: GenerateRequest): Promise<GenerateResult> => model.doGenerate(request)
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    doGenerate: (request) => composed.wrapGenerate!({ request, model, context, next: terminal }),
  }
}

/** The embedding-model counterpart of {@link guardLanguageModel}. */
export function guardEmbeddingModel(args: {
  readonly model: EmbeddingModelV1
  readonly middleware: readonly ModelMiddleware[]
  readonly context: CallContext
}): EmbeddingModelV1 {
  const { model, context } = args
  const composed = composeMiddleware(args.middleware)
  const terminal = (request: EmbedRequest): Promise<EmbedResult> => model.doEmbed(request)
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    ...(model.dimensions === undefined ? {} : { dimensions: model.dimensions }),
    maxValuesPerCall: model.maxValuesPerCall,
    doEmbed: (request) => composed.wrapEmbed!({ request, model, context, next: terminal }),
  }
}
