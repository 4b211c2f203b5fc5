/** Price of a model in USD per one million tokens. */
export interface ModelPrice {
  readonly inputPerMillion: number
  readonly outputPerMillion: number
}

/**
 * Prices by `provider:model` id. A key may end in `*` to cover a provider
 * (`ollama:*`); a dated model id (`claude-haiku-4-5-20251001`) uses the longest
 * listed id it starts with followed by `-`.
 */
export type PricingTable = Readonly<Record<string, ModelPrice>>

const free: ModelPrice = { inputPerMillion: 0, outputPerMillion: 0 }
const price = (inputPerMillion: number, outputPerMillion: number): ModelPrice => ({ inputPerMillion, outputPerMillion })

/**
 * List prices (USD per 1M tokens, standard tier, no caching discounts) of common
 * models; local providers cost nothing. Override or extend with the `pricing`
 * option: prices change, check your provider's page.
 */
export const DEFAULT_PRICING: PricingTable = Object.freeze({
  'offline:*': free,
  'ollama:*': free,
  'openai:gpt-5': price(1.25, 10),
  'openai:gpt-5-mini': price(0.25, 2),
  'openai:gpt-5-nano': price(0.05, 0.4),
  'openai:gpt-4.1': price(2, 8),
  'openai:gpt-4.1-mini': price(0.4, 1.6),
  'openai:gpt-4.1-nano': price(0.1, 0.4),
  'openai:gpt-4o': price(2.5, 10),
  'openai:gpt-4o-mini': price(0.15, 0.6),
  'openai:o3': price(2, 8),
  'openai:o4-mini': price(1.1, 4.4),
  'openai:text-embedding-3-small': price(0.02, 0),
  'openai:text-embedding-3-large': price(0.13, 0),
  'anthropic:claude-opus-4-1': price(15, 75),
  'anthropic:claude-opus-4': price(15, 75),
  'anthropic:claude-sonnet-4-5': price(3, 15),
  'anthropic:claude-sonnet-4': price(3, 15),
  'anthropic:claude-3-7-sonnet': price(3, 15),
  'anthropic:claude-haiku-4-5': price(1, 5),
  'anthropic:claude-3-5-haiku': price(0.8, 4),
})

/**
 * A memoised price lookup over `DEFAULT_PRICING` with `overrides` on top.
 * Returns `undefined` for a model with no known price.
 *
 * @example
 * const priceOf = createPriceLookup({ 'openai-compatible:local:*': { inputPerMillion: 0, outputPerMillion: 0 } })
 * priceOf('openai', 'gpt-4.1-mini-2025-04-14') // { inputPerMillion: 0.4, outputPerMillion: 1.6 }
 */
export function createPriceLookup(overrides: PricingTable = {}): (provider: string, modelId: string) => ModelPrice | undefined {
  const table: PricingTable = { ...DEFAULT_PRICING, ...overrides }
  const memo = new Map<string, ModelPrice | undefined>()
  return (provider, modelId) => {
    const id = `${provider}:${modelId}`
    if (memo.has(id)) return memo.get(id)
    let found = table[id]
    if (found === undefined) {
      let bestLength = 0
      for (const [key, value] of Object.entries(table)) {
        const prefix = key.endsWith('*') ? key.slice(0, -1) : `${key}-`
        if (id.startsWith(prefix) && prefix.length > bestLength) {
          found = value
          bestLength = prefix.length
        }
      }
    }
    memo.set(id, found)
    return found
  }
}

/** Cost in USD of a call at `price`. */
export function costOf(price: ModelPrice, usage: { readonly inputTokens: number; readonly outputTokens?: number }): number {
  return (usage.inputTokens * price.inputPerMillion + (usage.outputTokens ?? 0) * price.outputPerMillion) / 1_000_000
}
