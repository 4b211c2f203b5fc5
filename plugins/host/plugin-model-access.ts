import type { EmbedRequest, EmbedResult } from '../../llm/spec/embedding-model.js'
import type { GenerateRequest, GenerateResult } from '../../llm/spec/language-model.js'
import type { CallContext } from '../../llm/spec/middleware.js'

/**
 * How the host reaches models on a plugin's behalf: a guarded client (the llm layer's
 * guards — budget, rate limit, ledger, audit — keyed on `context.scope`, which the host
 * sets to `plugin:<name>`). Build one from the llm layer and pass it to
 * `createPluginHost({ models })`.
 *
 * @example
 * const models: PluginModelAccess = {
 *   generate: ({ request, context }) => guarded.generate(request, context),
 *   embed: ({ request, context }) => guarded.embed(request, context),
 * }
 */
export interface PluginModelAccess {
  generate(args: { readonly request: GenerateRequest; readonly context: CallContext }): Promise<GenerateResult & { readonly costUsd?: number; readonly modelId?: string }>
  embed(args: { readonly request: EmbedRequest; readonly context: CallContext }): Promise<EmbedResult & { readonly costUsd?: number }>
}
