import { expect, it } from 'vitest'
import { z } from 'zod'
import { createLedgerGuard, ledgerEntryIdOf } from '../../llm/guards/index.js'
import { createOfflineLanguageModel, type ModelMiddleware, wrapModel } from '../../llm/index.js'
import { MemoryLedgerStore } from '../../llm/stores/index.js'
import { type CartridgeJson, type Provenance, defineCartridge, defineCartridgeQuery, keyComponent, sourceKeyString } from '../spec/index.js'
import { runCartridgeConformance } from './run-cartridge-conformance.js'
import { SeededRandom } from './seeded-random.js'
import type { CreateConformanceCartridgeArgs, GeneratedCommit } from './conformance-types.js'

/**
 * A cartridge whose facts come from model calls: one offline-model summary per note,
 * through the ledger guard. It holds the conformance suite's model checks to account:
 * replayed rebuilds are byte-identical and call no model, and every fact names the
 * ledger entry that produced it.
 */
const ledger = new MemoryLedgerStore()
let tokens = 0
const tokenCounter: ModelMiddleware = {
  name: 'count-tokens',
  async wrapGenerate({ request, next }) {
    const result = await next(request)
    tokens += result.usage.inputTokens + result.usage.outputTokens
    return result
  },
}
const model = createOfflineLanguageModel()

function createSummaryCartridge({ ledgerMode }: CreateConformanceCartridgeArgs) {
  // The ledger sits outside the token counter: an answer from the ledger never reaches the model.
  const guarded = wrapModel({ model, middleware: [createLedgerGuard({ store: ledger, mode: ledgerMode }), tokenCounter], context: { scope: 'cartridge:summaries' } })
  const record = z.object({ key: z.string(), summary: z.string(), provenance: z.any() })
  return defineCartridge({
    specificationVersion: 'v1',
    name: 'summaries',
    version: '1.0.0',
    formatVersion: 1,
    modelId: `${model.provider}:${model.modelId}`,
    keyspaces: ['summaries'],
    sources: [{ keyspace: 'default', prefix: 'notes/' }],
    async apply({ commits, transaction, plugin }) {
      const space = transaction.keyspace('summaries')
      for (const commit of commits) {
        for (const operation of commit.ops) {
          const key = sourceKeyString(operation.key)
          if (key === undefined) continue
          const text = operation.type === 'put' ? (operation.value as { text?: unknown } | null)?.text : undefined
          if (typeof text !== 'string') {
            space.delete(`s/${keyComponent(key)}`)
            continue
          }
          const result = await guarded.doGenerate({ messages: [{ role: 'user', content: `Summarize this note in one sentence:\n${text}` }] })
          const summary = result.text
          const provenance: Provenance = { sourceKeyspace: operation.keyspace, sourceKey: key, txnId: commit.txnId, plugin, ledgerEntryId: ledgerEntryIdOf(result) ?? null }
          space.put(`s/${keyComponent(key)}`, { key, summary, provenance } as unknown as CartridgeJson)
        }
      }
    },
    queries: [
      defineCartridgeQuery({
        name: 'summary',
        description: 'The model summary of one note.',
        input: z.object({ key: z.string() }),
        output: record.nullable(),
        run: ({ input, reader }) => (reader.keyspace('summaries').get(`s/${keyComponent(input.key)}`) as z.infer<typeof record> | undefined) ?? null,
      }),
    ],
    stats: ({ reader }) => ({ summaries: [...reader.keyspace('summaries').scan({ prefix: 's/' })].length }),
    *listFacts({ reader }) {
      for (const entry of reader.keyspace('summaries').scan({ prefix: 's/' })) yield { keyspace: 'summaries', key: entry.key as string, provenance: (entry.value as unknown as { provenance: Provenance }).provenance }
    },
  })
}

const SENTENCES = [
  'Dana Whitfield approved the Q3 budget for Acme Corp in Berlin.',
  'Priya Raman fixed the login bug before the Friday release.',
  'Marcus Chen signed the vendor contract with Globex Corporation in Toronto.',
  'The Oslo office reviewed the onboarding flow and asked for a simpler sign-up page.',
  'Nina Petrova migrated the billing service to Postgres last week.',
]

function generateNotes({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  return Array.from({ length: count }, () => {
    const key = `notes/${random.integer(0, 12)}`
    if (random.next() < 0.1) return { ops: [{ type: 'delete' as const, key }] }
    return { ops: [{ type: 'put' as const, key, value: { text: `${random.pick(SENTENCES)} ${random.pick(SENTENCES)}` } }] }
  })
}

runCartridgeConformance({
  name: 'summaries (model-backed, ledger replay)',
  createCartridge: (args) => ({ cartridge: createSummaryCartridge(args), tokensUsed: () => tokens, ledgerEntryExists: async (id) => (await ledger.get(id)) !== undefined }),
  generateCommits: generateNotes,
  commitCount: 40,
  factsNeedLedgerEntry: true,
  sampleQueries: [{ name: 'summary', input: { key: 'notes/3' } }],
})

it('the summaries cartridge really called the model, so the zero-token replay check above is not vacuous', () => {
  expect(tokens).toBeGreaterThan(0)
  expect(ledger.size).toBeGreaterThan(0)
})
