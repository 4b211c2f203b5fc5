import { guardEmbeddingModel, guardLanguageModel } from '../guards/compose.js'
import type { CallContext, EmbeddingModelV1, LanguageModelV1, ModelMiddleware } from '../spec/index.js'

/** Arguments of {@link wrapModel}. */
export interface WrapModelArgs<Model extends LanguageModelV1 | EmbeddingModelV1> {
  readonly model: Model
  /** Folded over the model, the first in the list being the outermost. */
  readonly middleware: readonly ModelMiddleware[]
  /** Who the calls are for; every middleware sees it. */
  readonly context: CallContext
}

/**
 * Folds spec middlewares (guards) over a language or embedding model. The result
 * is a model of the same kind whose `doGenerate` / `doEmbed` runs through
 * `middleware[0]`, then `[1]`, ..., then the model.
 *
 * @example
 * const guarded = wrapModel({ model, middleware: [redaction, budget, audit], context: { scope: 'plugin:entities' } })
 * await guarded.doGenerate({ messages: [{ role: 'user', content: 'Hi' }] })
 */
export function wrapModel(args: WrapModelArgs<LanguageModelV1>): LanguageModelV1
export function wrapModel(args: WrapModelArgs<EmbeddingModelV1>): EmbeddingModelV1
export function wrapModel(args: WrapModelArgs<LanguageModelV1 | EmbeddingModelV1>): LanguageModelV1 | EmbeddingModelV1 {
  const { model, middleware, context } = args
  if (middleware.length === 0) return model
  if ('doGenerate' in model) return guardLanguageModel({ model, middleware, context })
  return guardEmbeddingModel({ model, middleware, context })
}
