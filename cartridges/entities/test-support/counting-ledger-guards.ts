import { createLedgerGuard, type LedgerMode, MemoryLedgerStore, type ModelMiddleware } from '../../../llm/index.js'

/** A ledger shared by every cartridge made from it, and a counter of the tokens that reached the model (ledger misses). */
export function createCountingLedger(): { readonly guards: (mode: LedgerMode) => ModelMiddleware[]; readonly tokensUsed: () => number; readonly calls: () => number } {
  const store = new MemoryLedgerStore()
  let tokens = 0
  let calls = 0
  const counter: ModelMiddleware = {
    name: 'token-counter',
    async wrapGenerate({ request, next }) {
      const result = await next(request)
      calls++
      tokens += result.usage.inputTokens + result.usage.outputTokens
      return result
    },
  }
  return { guards: (mode) => [createLedgerGuard({ store, mode }), counter], tokensUsed: () => tokens, calls: () => calls }
}
