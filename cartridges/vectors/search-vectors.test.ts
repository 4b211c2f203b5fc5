import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { embedText } from '../../llm/providers/offline/offline-embedding-model.js'
import { SeededRandom, testSeed } from '../conformance/index.js'
import { type Cartridge, catchUpCartridge, openCartridge } from '../spec/index.js'
import { createVectorsCartridge, type VectorsCartridgeOptions } from './create-vectors-cartridge.js'
import type { VectorSearchResult } from './search-vectors.js'
import { encodeVectorBase64 } from './vector-record.js'

const seed = testSeed()
const context = `seed ${seed} (set LIVINGDB_TEST_SEED to reproduce)`
const TEAMS = ['billing', 'platform', 'search']

interface Item { readonly key: string; readonly vector: number[]; readonly team: string; readonly year: number }

function clustered(random: SeededRandom, dimensions: number, count: number): Item[] {
  const centres = Array.from({ length: 12 }, () => Array.from({ length: dimensions }, () => random.next() * 2 - 1))
  return Array.from({ length: count }, (_, index) => {
    const centre = random.pick(centres)
    return { key: `notes/${String(index).padStart(5, '0')}`, vector: centre.map((value) => Math.fround(value + (random.next() - 0.5) * 0.6)), team: random.pick(TEAMS), year: random.integer(2018, 2026) }
  })
}

async function indexed(items: readonly Item[], options: VectorsCartridgeOptions = {}) {
  const db = await open({ durability: 'none', timeTravelTxns: 16 })
  const cartridge = createVectorsCartridge({ source: { keyspace: 'embeddings' }, ...options })
  const handle = await openCartridge({ db, cartridge })
  await put(db, items)
  await handle.catchUp()
  const search = (input: object, asOf?: number) => handle.query('search', input, asOf === undefined ? {} : { asOf }) as VectorSearchResult
  return { db, cartridge, handle, search }
}

async function put(db: Awaited<ReturnType<typeof open>>, items: readonly Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += 500) {
    await db.write((transaction) => {
      for (const item of items.slice(start, start + 500)) transaction.keyspace('embeddings').put(item.key, { vector: encodeVectorBase64(item.vector), metadata: { team: item.team, year: item.year } })
    }, { origin: 'app' })
  }
}

function reference(items: readonly Item[], query: readonly number[], metric: 'cosine' | 'dot' | 'l2', k: number): string[] {
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0)
  const score = (vector: number[]): number =>
    metric === 'dot' ? dot(query, vector) : metric === 'cosine' ? dot(query, vector) / Math.sqrt(dot(query, query) * dot(vector, vector)) : -Math.sqrt(vector.reduce((sum, value, index) => sum + (value - query[index]!) ** 2, 0))
  return [...items].map((item) => ({ key: item.key, score: score(item.vector) })).sort((a, b) => b.score - a.score).slice(0, k).map((hit) => hit.key)
}

const keys = (result: VectorSearchResult): string[] => result.hits.map((hit) => hit.key)

describe('vectors cartridge search', () => {
  it('HNSW finds at least 90% of the exact top 10, and the exact path equals a brute-force reference', async () => {
    const random = new SeededRandom(seed)
    const items = clustered(random, 24, 1500)
    const { db, search } = await indexed(items, { m: 8, efConstruction: 64 })
    try {
      let found = 0
      for (let index = 0; index < 40; index++) {
        const query = random.pick(items).vector.map((value) => value + (random.next() - 0.5) * 0.3)
        const exact = search({ vector: query, k: 10, exact: true })
        expect(exact.strategy).toBe('exact')
        expect(keys(exact), context).toEqual(reference(items, query, 'cosine', 10))
        const approximate = search({ vector: query, k: 10, ef: 40 })
        expect(approximate.strategy).toBe('hnsw')
        found += keys(approximate).filter((key) => keys(exact).includes(key)).length
      }
      expect(found / 400, context).toBeGreaterThanOrEqual(0.9)
    } finally {
      await db.close()
    }
  })

  it.each(['cosine', 'dot', 'l2'] as const)('an index built for %s answers every metric like a brute-force reference', async (indexMetric) => {
    const random = new SeededRandom(seed + 1)
    const items = clustered(random, 16, 400)
    const { db, search } = await indexed(items, { metric: indexMetric })
    try {
      for (const metric of ['cosine', 'dot', 'l2'] as const) {
        const query = clustered(random, 16, 1)[0]!.vector
        const result = search({ vector: query, k: 5, metric, ef: 200 })
        expect(result.strategy).toBe(metric === indexMetric ? 'hnsw' : 'exact')
        expect(keys(result), `${context}, ${metric} on a ${indexMetric} index`).toEqual(reference(items, query, metric, 5))
        const scores = result.hits.map((hit) => hit.score)
        expect([...scores].sort((a, b) => b - a)).toEqual(scores)
      }
    } finally {
      await db.close()
    }
  })

  it('filters: every hit matches, a selective filter is answered exactly, a broad one on the graph, both like exact search', async () => {
    const random = new SeededRandom(seed + 2)
    const items = clustered(random, 16, 2600)
    const { db, search } = await indexed(items)
    try {
      const query = items[7]!.vector
      const broad = { and: [{ field: 'team', in: ['billing', 'search'] }, { not: { field: 'year', lt: 2019 } }] }
      const graph = search({ vector: query, k: 10, filter: broad, ef: 200 })
      expect(graph.strategy).toBe('hnsw-filtered')
      const matching = items.filter((item) => item.team !== 'platform' && item.year >= 2019)
      expect(keys(graph), context).toEqual(reference(matching, query, 'cosine', 10))
      const selective = { or: [{ field: '$key', eq: 'notes/00042' }, { field: '$key', prefix: 'notes/0099' }] }
      const exact = search({ vector: query, k: 20, filter: selective })
      expect(exact.strategy).toBe('exact-filtered')
      expect(keys(exact).sort()).toEqual(['notes/00042', ...Array.from({ length: 10 }, (_, index) => `notes/0099${index}`)])
      const prefixed = search({ vector: query, k: 50, prefix: 'notes/001', filter: { field: 'team', ne: 'platform' } })
      expect(keys(prefixed).length).toBeGreaterThan(0)
      expect(prefixed.hits.every((hit) => hit.key.startsWith('notes/001') && hit.metadata.team !== 'platform')).toBe(true)
      const none = search({ vector: query, k: 5, filter: { field: 'team', eq: 'nobody' } })
      expect(none.hits).toEqual([])
    } finally {
      await db.close()
    }
  })

  it('deleted keys never come back, updated vectors are found at their new place, and compaction keeps answers right', async () => {
    const random = new SeededRandom(seed + 3)
    const items = clustered(random, 16, 300)
    const { db, handle, search } = await indexed(items, { m: 6 })
    try {
      const removed = items.filter((_, index) => index % 10 < 7)
      await db.write((transaction) => {
        for (const item of removed) transaction.keyspace('embeddings').delete(item.key)
      }, { origin: 'app' })
      const moved = { ...items[9]!, vector: items[9]!.vector.map((value) => -value) }
      await put(db, [moved])
      await handle.catchUp()
      const stats = handle.stats()
      expect(stats.vectors).toBe(items.length - removed.length)
      expect(stats.tombstones as number, `${context}: compaction ran`).toBeLessThan(removed.length)
      const remaining = items.filter((_, index) => index % 10 >= 7).map((item) => (item.key === moved.key ? moved : item))
      for (const query of [items[0]!.vector, items[1]!.vector, moved.vector]) {
        expect(keys(search({ vector: query, k: 8, ef: 100 })), context).toEqual(reference(remaining, query, 'cosine', 8))
      }
      expect(keys(search({ vector: moved.vector, k: 1 }))).toEqual([moved.key])
      expect(handle.query('get', { key: removed[0]!.key })).toBeNull()
      expect(handle.query('get', { key: moved.key })).toMatchObject({ key: moved.key, vector: moved.vector, metadata: { team: moved.team } })
      const similar = handle.query('similar', { key: moved.key, k: 3 }) as VectorSearchResult
      expect(keys(similar)).not.toContain(moved.key)
      expect(similar.hits).toHaveLength(3)
    } finally {
      await db.close()
    }
  })

  it('reads as of an earlier commit answer from the index of that version', async () => {
    const random = new SeededRandom(seed + 4)
    const items = clustered(random, 16, 200)
    const { db, handle, search } = await indexed(items)
    try {
      const before = db.txnId
      const target = items[5]!
      await db.write((transaction) => transaction.keyspace('embeddings').delete(target.key), { origin: 'app' })
      await handle.catchUp()
      expect(keys(search({ vector: target.vector, k: 1 }))).not.toEqual([target.key])
      const old = search({ vector: target.vector, k: 1 }, before)
      expect(keys(old)).toEqual([target.key])
      expect(old.txnId).toBe(before)
      expect(keys(search({ vector: target.vector, k: 1 }))).not.toEqual([target.key])
    } finally {
      await db.close()
    }
  })

  it('a batch that fails after changing the cached graph leaves no trace in later answers', async () => {
    const random = new SeededRandom(seed + 5)
    const items = clustered(random, 16, 200)
    const { db, cartridge, search } = await indexed(items)
    try {
      const probe = items[3]!.vector
      const answer = search({ vector: probe, k: 10 })
      const intruder = { ...items[3]!, key: 'notes/intruder' }
      await put(db, [intruder])
      const failing: Cartridge = { ...cartridge, apply: async (args) => (await cartridge.apply(args), Promise.reject(new Error('disk full'))) }
      await expect(catchUpCartridge({ db, cartridge: failing })).rejects.toMatchObject({ code: 'CARTRIDGE_APPLY_FAILED' })
      expect(search({ vector: probe, k: 10 })).toEqual({ ...answer, txnId: db.txnId })
      await catchUpCartridge({ db, cartridge })
      expect(keys(search({ vector: probe, k: 2 })).sort()).toEqual([items[3]!.key, 'notes/intruder'])
    } finally {
      await db.close()
    }
  })

  it('refuses records it cannot index, with a reason kept as a fact, and typed errors for bad queries', async () => {
    const db = await open({ durability: 'none' })
    try {
      const cartridge = createVectorsCartridge({ source: { keyspace: 'embeddings' }, dimensions: 4 })
      const handle = await openCartridge({ db, cartridge })
      await db.write((transaction) => {
        const space = transaction.keyspace('embeddings')
        space.put('a', { vector: [1, 0, 0, 0] })
        space.put('b', { vector: [1, 0, 0] })
        space.put('c', { vector: [0, 0, 0, 0] })
        space.put('d', { vector: ['x', 1, 2, 3] })
        space.put('e', { text: 'no vector' })
      }, { origin: 'app' })
      await handle.catchUp()
      expect(handle.stats()).toMatchObject({ vectors: 1, rejected: 4 })
      const reasons = handle.listFacts().filter((fact) => fact.key.startsWith('r/'))
      expect(reasons.map((fact) => fact.provenance.sourceKey)).toEqual(['b', 'c', 'd', 'e'])
      await db.write((transaction) => transaction.keyspace('embeddings').put('b', { vector: [0, 1, 0, 0] }), { origin: 'app' })
      await handle.catchUp()
      expect(handle.stats()).toMatchObject({ vectors: 2, rejected: 3 })
      expect(() => handle.query('search', { vector: [1, 2], k: 1 })).toThrow(expect.objectContaining({ code: 'CARTRIDGE_QUERY_INVALID' }))
      expect(() => handle.query('search', { k: 1 })).toThrow(expect.objectContaining({ code: 'CARTRIDGE_QUERY_INVALID' }))
      const remote = createVectorsCartridge({ name: 'remote', source: { keyspace: 'embeddings' }, modelId: 'openai:text-embedding-3-small' })
      const remoteHandle = await openCartridge({ db, cartridge: remote })
      expect(() => remoteHandle.query('search', { text: 'hello', k: 1 })).toThrow(expect.objectContaining({ code: 'CARTRIDGE_QUERY_INVALID' }))
    } finally {
      await db.close()
    }
  })

  it('embeds query text with the offline embedder, like the embedder plugin embeds records', async () => {
    const notes = ['billing migration moves invoices', 'kubernetes cluster upgrade', 'search ranking relevance tuning', 'invoice export for billing']
    const items = notes.map((text, index) => ({ key: `notes/${index}`, vector: embedText(text, 64), team: 'x', year: 2024 }))
    const { db, search } = await indexed(items)
    try {
      expect(keys(search({ text: 'cluster upgrade', k: 1 }))).toEqual(['notes/1'])
      expect(keys(search({ text: 'billing invoices', k: 2 })).sort()).toEqual(['notes/0', 'notes/3'])
    } finally {
      await db.close()
    }
  })
})
