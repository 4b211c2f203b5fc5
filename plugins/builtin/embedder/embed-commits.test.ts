import { describe, expect, it } from 'vitest'
import { floatsFromBytes } from '../../../cartridges/vectors/vector-record.js'
import { embedText } from '../../../llm/providers/offline/offline-embedding-model.js'
import type { JsonValue, PluginCommit, PluginModelClient, PluginReader } from '../../spec/index.js'
import { embedCommits, type EmbeddingRecord } from './embed-commits.js'
import { embedderConfigSchema } from './embedder-config.js'

function memoryReader(stored: Map<string, JsonValue>): PluginReader {
  return {
    get: async ({ key }) => stored.get(key),
    scan: async () => [],
  }
}

function countingClient(): PluginModelClient & { calls: (readonly string[])[] } {
  const calls: (readonly string[])[] = []
  return {
    calls,
    generateText: async () => { throw new Error('not used') },
    generateObject: async () => { throw new Error('not used') },
    embed: async ({ values }) => {
      calls.push(values)
      return { embeddings: values.map((value) => embedText(value, 32)), usage: { inputTokens: values.join('').length } }
    },
  }
}

const commit = (txnId: number, operations: PluginCommit['operations']): PluginCommit => ({ txnId, timestamp: 0, origin: 'app', operations })
const put = (key: string, value: JsonValue, keyspace = 'default') => ({ type: 'put' as const, keyspace, key, value })

function vectorOf(record: EmbeddingRecord): number[] {
  return Array.from(floatsFromBytes(Buffer.from(record.vector, 'base64')))
}

describe('embedCommits', () => {
  it('embeds the configured fields of records under the prefix with the offline embedder, last write per key winning', async () => {
    const config = embedderConfigSchema.parse({ prefix: 'notes/', fields: ['title', 'body'], metadataFields: ['team'], dimensions: 64 })
    const model = countingClient()
    const writes = await embedCommits({
      config,
      outputKeyspace: 'embeddings',
      read: memoryReader(new Map()),
      model,
      commits: [
        commit(1, [put('notes/1', { title: 'Billing', body: 'old text', team: 'x' }), put('other/1', { title: 'ignored' })]),
        commit(2, [put('notes/1', { title: 'Billing migration', body: 'moves invoices', team: 'billing', secret: 'not embedded' }), put('notes/2', { team: 'no text' })]),
      ],
    })
    expect(model.calls).toEqual([])
    expect(writes.map((write) => [write.type, write.key])).toEqual([['put', 'notes/1'], ['delete', 'notes/2']])
    const record = (writes[0] as { value: unknown }).value as EmbeddingRecord
    expect(record).toMatchObject({ dimensions: 64, modelId: 'offline:hash-64', sourceKey: 'notes/1', sourceTxnId: 2, metadata: { team: 'billing' }, ledgerEntryId: null })
    const expected = Float32Array.from(embedText('Billing migration\nmoves invoices', 64))
    expect(vectorOf(record)).toEqual(Array.from(expected))
  })

  it('does not embed unchanged text again, but rewrites changed metadata', async () => {
    const config = embedderConfigSchema.parse({ model: 'host', modelId: 'test:counting', fields: ['text'], metadataFields: ['team'], batchSize: 2 })
    const model = countingClient()
    const first = await embedCommits({ config, outputKeyspace: 'embeddings', read: memoryReader(new Map()), model, commits: [commit(1, [put('a', { text: 'alpha', team: 'one' }), put('b', { text: 'beta' }), put('c', { text: 'gamma' })])] })
    expect(model.calls).toEqual([['alpha', 'beta'], ['gamma']])
    const stored = new Map(first.map((write) => [write.key, (write as { value: JsonValue }).value]))
    const second = await embedCommits({ config, outputKeyspace: 'embeddings', read: memoryReader(stored), model, commits: [commit(2, [put('a', { text: 'alpha', team: 'two' }), put('b', { text: 'beta' }), put('c', { text: 'gamma ray' })])] })
    expect(model.calls.slice(2)).toEqual([['gamma ray']])
    expect(second.map((write) => write.key)).toEqual(['a', 'c'])
    const rewritten = (second[0] as { value: unknown }).value as EmbeddingRecord
    expect(rewritten.metadata).toEqual({ team: 'two' })
    expect(rewritten.vector).toBe((stored.get('a') as unknown as EmbeddingRecord).vector)
    expect(rewritten.sourceTxnId).toBe(1)
  })

  it('deletes the embedding of a deleted record', async () => {
    const config = embedderConfigSchema.parse({})
    const writes = await embedCommits({ config, outputKeyspace: 'vectors-in', read: memoryReader(new Map()), model: countingClient(), commits: [commit(3, [{ type: 'delete', keyspace: 'default', key: 'k' }])] })
    expect(writes).toEqual([{ type: 'delete', keyspace: 'vectors-in', key: 'k' }])
  })

  it('rejects an unknown config field', () => {
    expect(embedderConfigSchema.safeParse({ prefx: 'notes/' }).success).toBe(false)
  })
})
