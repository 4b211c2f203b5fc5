import type { ZodType } from 'zod'

/** A chat message a plugin sends to a model (plain JSON). */
export interface PluginModelMessage {
  readonly role: 'system' | 'user' | 'assistant'
  readonly content: string
}

/** Arguments of {@link PluginModelClient.generateText}. Give `prompt` or `messages`. */
export interface PluginGenerateTextArgs {
  readonly prompt?: string
  readonly messages?: readonly PluginModelMessage[]
  readonly system?: string
  readonly temperature?: number
  readonly maxOutputTokens?: number
  /** What the call is for ('extraction', 'summary'...): used by model routing. */
  readonly task?: string
}

/** Arguments of {@link PluginModelClient.generateObject}. */
export interface PluginGenerateObjectArgs<Value> extends PluginGenerateTextArgs {
  /** The reply is validated against this schema inside the plugin. */
  readonly schema: ZodType<Value>
  readonly schemaName?: string
}

/** Token use of one model call. */
export interface PluginModelUsage {
  readonly inputTokens: number
  readonly outputTokens: number
}

/** Which call produced a reply: record it as a derived fact's provenance. */
export interface PluginCallProvenance {
  /** The model-call ledger entry (request hash) that answered, or null when no ledger guard ran. */
  readonly ledgerEntryId?: string | null
  /** The `provider:model` id that answered, when the host knows it. */
  readonly modelId?: string | null
}

/**
 * The guarded model client a plugin gets when `permissions.model` is granted. Every call
 * goes to the host and through the llm guards (budget, rate limit, ledger, audit) with
 * the call scope `plugin:<name>`; the plugin's budget is checked before each call.
 *
 * @example
 * const { object } = await model.generateObject({
 *   schema: z.object({ topics: z.array(z.string()) }),
 *   prompt: `Topics of: ${text}`,
 *   task: 'extraction',
 * })
 */
export interface PluginModelClient {
  generateText(args: PluginGenerateTextArgs): Promise<{ readonly text: string; readonly usage: PluginModelUsage } & PluginCallProvenance>
  generateObject<Value>(args: PluginGenerateObjectArgs<Value>): Promise<{ readonly object: Value; readonly usage: PluginModelUsage } & PluginCallProvenance>
  embed(args: { readonly values: readonly string[]; readonly task?: string }): Promise<{
    readonly embeddings: readonly (readonly number[])[]
    readonly usage: { readonly inputTokens: number }
  }>
}

