import type {
  CallContext, EmbedRequest, EmbedResult, EmbeddingModelV1, GenerateRequest, GenerateResult, LanguageModelV1, ModelMiddleware,
  WrapEmbedArgs, WrapGenerateArgs,
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
    wrapGenerate: (args) => fold<GenerateRequest, GenerateResult, WrapGenerateArgs>(generateLayers, (layer, layerArgs) => layer.wrapGenerate!(layerArgs), args),
    wrapEmbed: (args) => fold<EmbedRequest, EmbedResult, WrapEmbedArgs>(embedLayers, (layer, layerArgs) => layer.wrapEmbed!(layerArgs), args),
  }
}

/** Runs `args.request` through `layers` in order, then `args.next`. */
function fold<Request, Result, Args extends { readonly request: Request; readonly next: (request: Request) => Promise<Result> }>(
  layers: readonly ModelMiddleware[],
  invoke: (layer: ModelMiddleware, args: Args) => Promise<Result>,
  args: Args,
): Promise<Result> {
  const step = (index: number, request: Request): Promise<Result> =>
    index === layers.length ? args.next(request) : invoke(layers[index]!, { ...args, request, next: (nextRequest: Request) => step(index + 1, nextRequest) })
  return step(0, args.request)
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
