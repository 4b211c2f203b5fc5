import type { EmbedRequest, EmbedResult, EmbeddingModelV1 } from './embedding-model.js'
import type { GenerateRequest, GenerateResult, LanguageModelV1 } from './language-model.js'

/**
 * Who a call is made for. Guards key budgets, rate limits and audit records on it.
 * `scope` is e.g. 'plugin:entity-extractor', 'tenant:acme', 'query', 'cli'.
 */
export interface CallContext {
  readonly scope: string
  /** What the call is for: 'extraction', 'planning', 'answer', 'embedding', ... (used by routing). */
  readonly task?: string
}

/** Arguments handed to a middleware's `wrapGenerate`. */
export interface WrapGenerateArgs {
  readonly request: GenerateRequest
  readonly model: LanguageModelV1
  readonly context: CallContext
  /** Calls the next layer (the next middleware, or the model itself). */
  readonly next: (request: GenerateRequest) => Promise<GenerateResult>
}

/** Arguments handed to a middleware's `wrapEmbed`. */
export interface WrapEmbedArgs {
  readonly request: EmbedRequest
  readonly model: EmbeddingModelV1
  readonly context: CallContext
  readonly next: (request: EmbedRequest) => Promise<EmbedResult>
}

/**
 * A guard around model calls (redaction, ledger, budget, rate limit, audit...).
 * Each guard is one small file implementing this interface; `wrapModel` folds a
 * list of them over a model, the first in the list being the outermost.
 *
 * @example
 * const timing: ModelMiddleware = {
 *   name: 'timing',
 *   async wrapGenerate({ request, next }) {
 *     const started = performance.now()
 *     try { return await next(request) } finally { console.log(performance.now() - started) }
 *   },
 * }
 */
export interface ModelMiddleware {
  readonly name: string
  wrapGenerate?(args: WrapGenerateArgs): Promise<GenerateResult>
  wrapEmbed?(args: WrapEmbedArgs): Promise<EmbedResult>
}
