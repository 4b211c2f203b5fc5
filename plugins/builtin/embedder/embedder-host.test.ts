import { afterEach, describe, expect, it } from 'vitest'
import { createVectorsCartridge } from '../../../cartridges/vectors/create-vectors-cartridge.js'
import { openCartridge, rebuildCartridge } from '../../../cartridges/spec/index.js'
import { dumpNow } from '../../../cartridges/conformance/incremental-run.js'
import { open } from '../../../core/index.js'
import { createLedgerGuard, MemoryLedgerStore } from '../../../llm/index.js'
import { createOfflineEmbeddingModel } from '../../../llm/providers/offline/offline-embedding-model.js'
import type { EmbeddingModelV1 } from '../../../llm/spec/index.js'
import { createLlmModelAccess } from '../../host/llm-model-access.js'
import { createPluginHost, type PluginHost } from '../../host/create-plugin-host.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

const NOTES = [
  { title: 'Billing migration', body: 'Move invoices to the new billing ledger before March.', team: 'billing' },
  { title: 'Search relevance', body: 'Tune the ranking of search results for long queries.', team: 'search' },
  { title: 'Kubernetes upgrade', body: 'Upgrade the platform clusters and drain the old nodes.', team: 'platform' },
  { title: 'Invoice export', body: 'Billing wants a CSV export of invoices per customer.', team: 'billing' },
  { title: 'Query autocomplete', body: 'Search suggestions while typing the query.', team: 'search' },
]

function countingModel(): EmbeddingModelV1 & { tokens: number } {
  const inner = createOfflineEmbeddingModel({ dimensions: 64 })
  const model = {
    specificationVersion: 'v1' as const,
    provider: 'test',
    modelId: 'counting-64',
    dimensions: 64,
    maxValuesPerCall: 64,
    tokens: 0,
    async doEmbed(request: Parameters<EmbeddingModelV1['doEmbed']>[0]) {
      const result = await inner.doEmbed(request)
      model.tokens += result.usage.inputTokens
      return result
    },
  }
  return model
}

async function writeNotes(db: Awaited<ReturnType<typeof open>>): Promise<void> {
  for (const [index, note] of NOTES.entries()) await db.write((transaction) => transaction.put(`notes/${index}`, note), { origin: 'app' })
  await db.write((transaction) => transaction.put('other/1', { title: 'Billing billing billing' }), { origin: 'app' })
}

describe('embedder plugin in the plugin host', () => {
  it('embeds notes with the offline embedder and feeds the vectors cartridge (search, filters, deletes)', async () => {
    const db = await open({ durability: 'none' })
    try {
      const host = await createPluginHost({
        db,
        onLog: () => {},
        plugins: [{ module: new URL('./embedder-plugin.ts', import.meta.url), config: { prefix: 'notes/', fields: ['title', 'body'], metadataFields: ['team'] } }],
      })
      hosts.push(host)
      await writeNotes(db)
      await host.idle()
      const vectors = await openCartridge({ db, cartridge: createVectorsCartridge({ source: { keyspace: 'embeddings' } }) })
      expect(vectors.stats()).toMatchObject({ vectors: NOTES.length, dimensions: 384 })
      const result = vectors.query('search', { text: 'billing invoices', k: 2 }) as { hits: { key: string }[] }
      expect(result.hits.map((hit) => hit.key).sort()).toEqual(['notes/0', 'notes/3'])
      const filtered = vectors.query('search', { text: 'billing invoices', k: 2, filter: { field: 'team', eq: 'search' } }) as { hits: { key: string; metadata: unknown }[] }
      expect(filtered.hits.every((hit) => (hit.metadata as { team: string }).team === 'search')).toBe(true)
      await db.write((transaction) => transaction.delete('notes/0'), { origin: 'app' })
      await host.idle()
      await vectors.catchUp()
      const after = vectors.query('search', { text: 'billing invoices', k: 5 }) as { hits: { key: string }[] }
      expect(after.hits.map((hit) => hit.key)).not.toContain('notes/0')
      expect(after.hits).toHaveLength(NOTES.length - 1)
    } finally {
      await db.close()
    }
  })

  it('rebuilding from the commit stream with the ledger in replay mode costs zero tokens and gives the same bytes', async () => {
    const db = await open({ durability: 'none' })
    const store = new MemoryLedgerStore()
    const model = countingModel()
    const cartridge = createVectorsCartridge({ source: { keyspace: 'embeddings' }, modelId: 'test:counting-64' })
    const config = { model: 'host', modelId: 'test:counting-64', fields: ['title', 'body'], metadataFields: ['team'], batchSize: 2 }
    const registration = { module: new URL('./test-support/host-model-embedder.ts', import.meta.url), config }
    try {
      const first = await createPluginHost({ db, onLog: () => {}, plugins: [registration], models: createLlmModelAccess({ embeddingModel: model, guards: [createLedgerGuard({ store, mode: 'read-write' })] }) })
      hosts.push(first)
      await writeNotes(db)
      await first.idle()
      await first.close()
      const vectors = await openCartridge({ db, cartridge })
      const probe = { vector: Array.from({ length: 64 }, (_, index) => (index % 3 === 0 ? 0.2 : 0)), k: 3 }
      const built = { embeddings: dumpEmbeddings(db), answer: vectors.query('search', probe) as { hits: unknown[] } }
      expect(model.tokens).toBeGreaterThan(0)
      expect(built.embeddings.length).toBe(NOTES.length)

      // Rebuild: forget the plugin's output and cursor, replay the commit stream with the ledger in replay mode.
      await db.write((transaction) => {
        for (const entry of [...transaction.keyspace('embeddings').scan()]) transaction.keyspace('embeddings').delete(entry.key)
        transaction.keyspace('sys').delete('plugins/embedder/cursor')
      }, { origin: 'app' })
      const tokensBefore = model.tokens
      const replay = await createPluginHost({ db, onLog: () => {}, plugins: [registration], models: createLlmModelAccess({ embeddingModel: model, guards: [createLedgerGuard({ store, mode: 'replay' })] }) })
      hosts.push(replay)
      await replay.idle()
      expect(model.tokens - tokensBefore).toBe(0)
      expect(dumpEmbeddings(db)).toEqual(built.embeddings)
      // The vectors cartridge follows the replayed stream; a rebuild from it gives the same bytes and answers.
      await vectors.catchUp()
      const incremental = dumpNow(db, cartridge)
      await rebuildCartridge({ db, cartridge })
      expect(dumpNow(db, cartridge)).toEqual(incremental)
      const answer = vectors.query('search', probe) as { hits: unknown[] }
      expect(answer.hits).toHaveLength(3)
      expect(answer.hits).toEqual(built.answer.hits)
    } finally {
      await db.close()
    }
  })
})

function dumpEmbeddings(db: Awaited<ReturnType<typeof open>>): string[] {
  return db.read((snapshot) => [...snapshot.keyspace('embeddings').scan()].map((entry) => `${String(entry.key)} ${JSON.stringify(entry.value)}`))
}
