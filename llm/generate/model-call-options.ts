import { resolveEmbeddingModel, resolveLanguageModel, type EmbeddingModelSettings, type ModelSettings } from '../registry/index.js'
import type { CallContext, EmbeddingModelV1, LanguageModelV1, ModelMiddleware } from '../spec/index.js'
import { getDefaultGuards } from './default-guards.js'
import { wrapModel } from './wrap-model.js'

/** Options every generate / embed call accepts. */
export interface ModelCallOptions {
  /** Who the call is for (budgets, rate limits and audit key on it); default `{ scope: 'app' }`. */
  readonly context?: CallContext
  /**
   * Middleware around this call, first = outermost. Omitted: the process-wide
   * default guards (see `setDefaultGuards`). `[]`: no guards at all.
   */
  readonly guards?: readonly ModelMiddleware[]
  readonly abortSignal?: AbortSignal
}

/** The context used when a call names none. */
export const DEFAULT_CALL_CONTEXT: CallContext = { scope: 'app' }

/** `provider:model`, as shown in results and errors. */
export function qualifiedModelId(model: { readonly provider: string; readonly modelId: string }): string {
  return `${model.provider}:${model.modelId}`
}

/** Resolves the model (id, object or environment) and wraps it in the call's guards. */
export function prepareLanguageModel(args: ModelCallOptions & { readonly model?: string | LanguageModelV1; readonly settings?: ModelSettings }): LanguageModelV1 {
  const model = resolveLanguageModel(args.model, args.settings)
  return wrapModel({ model, middleware: args.guards ?? getDefaultGuards(), context: args.context ?? DEFAULT_CALL_CONTEXT })
}

/** The embedding counterpart of {@link prepareLanguageModel}. */
export function prepareEmbeddingModel(
  args: ModelCallOptions & { readonly model?: string | EmbeddingModelV1; readonly settings?: EmbeddingModelSettings },
): EmbeddingModelV1 {
  const model = resolveEmbeddingModel(args.model, args.settings)
  return wrapModel({ model, middleware: args.guards ?? getDefaultGuards(), context: args.context ?? DEFAULT_CALL_CONTEXT })
}
