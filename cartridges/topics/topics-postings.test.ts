import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { encodeValue } from '../../core/codec/index.js'
import { catchUpCartridge, openCartridge } from '../spec/index.js'
import { createTopicsCartridge } from './create-topics-cartridge.js'
import { POSTING_BYTES } from './postings-segment.js'

const DOCUMENTS = 2_500
const SEGMENT_SIZE = 64

/** Bytes (keys + encoded values) each cartridge commit wrote, in commit order. */
async function bytesPerCartridgeCommit(db: Awaited<ReturnType<typeof open>>): Promise<number[]> {
  const sizes: number[] = []
  const head = db.txnId
  const iterator = db.commits({ from: 1 })
  for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
    const commit = step.value
    if (commit.origin === 'cartridge:topics' && commit.ops.some((operation) => operation.keyspace === 'topics' && String(operation.key).startsWith('f/'))) {
      let bytes = 0
      for (const operation of commit.ops) bytes += String(operation.key).length + (operation.value === undefined ? 0 : encodeValue(operation.value, true).length)
      sizes.push(bytes)
    }
    if (commit.txnId >= head) break
  }
  await iterator.return?.()
  return sizes
}

describe('topics postings are segmented', () => {
  it('adding a document writes a bounded number of bytes however long a term posting list grows', async () => {
    const db = await open({ durability: 'none' })
    const cartridge = createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'], segmentSize: SEGMENT_SIZE })
    await openCartridge({ db, cartridge })
    // Every document shares two very common terms and has one unique term.
    for (let index = 0; index < DOCUMENTS; index++) {
      await db.put(`notes/${String(index).padStart(5, '0')}`, { text: `oslo harbour unique${index}` })
      await catchUpCartridge({ db, cartridge, maxCommitsPerBatch: 1 })
    }
    const sizes = await bytesPerCartridgeCommit(db)
    expect(sizes).toHaveLength(DOCUMENTS)
    // One add rewrites at most one open segment per term (3 terms here) plus small records.
    const bound = 3 * SEGMENT_SIZE * POSTING_BYTES + 1_024
    expect(Math.max(...sizes), `an add wrote more than ${bound} bytes`).toBeLessThanOrEqual(bound)
    // ...and does not grow with the posting list: the last adds cost what early ones (after the first segments filled) cost.
    const early = Math.max(...sizes.slice(SEGMENT_SIZE, 3 * SEGMENT_SIZE))
    const late = Math.max(...sizes.slice(-3 * SEGMENT_SIZE))
    expect(late).toBeLessThanOrEqual(early + 16)
    // A single posting list for "oslo" now holds DOCUMENTS postings: far more than one add wrote.
    expect(DOCUMENTS * POSTING_BYTES).toBeGreaterThan(10 * late)
    const stats = db.read((snapshot) => snapshot.keyspace('topics').get('t/oslo')) as [number, number]
    expect(stats).toEqual([DOCUMENTS, Math.ceil(DOCUMENTS / SEGMENT_SIZE) - 1])
    await db.close()
  })

  it('search still sees every posting across segments, and deletes keep scores equal to a fresh index', async () => {
    const db = await open({ durability: 'none' })
    const cartridge = createTopicsCartridge({ source: { prefix: 'notes/' }, segmentSize: 4 })
    const topics = await openCartridge({ db, cartridge })
    for (let index = 0; index < 40; index++) await db.put(`notes/${index}`, { text: index % 3 === 0 ? 'ferry ferry oslo' : 'ferry bergen' })
    await topics.catchUp()
    const all = topics.query('search', { query: 'ferry', limit: 100 }) as { key: string; score: number }[]
    expect(all).toHaveLength(40)
    for (let index = 0; index < 40; index += 2) await db.delete(`notes/${index}`)
    await topics.catchUp()
    const after = topics.query('search', { query: 'oslo ferry', limit: 100 }) as { key: string; score: number }[]
    expect(after).toHaveLength(20)
    expect(after.every((hit) => Number(hit.key.split('/')[1]) % 2 === 1)).toBe(true)
    // A fresh index of the surviving documents scores them identically.
    const fresh = await open({ durability: 'none' })
    const freshTopics = await openCartridge({ db: fresh, cartridge })
    for (let index = 1; index < 40; index += 2) await fresh.put(`notes/${index}`, { text: index % 3 === 0 ? 'ferry ferry oslo' : 'ferry bergen' })
    await freshTopics.catchUp()
    expect(freshTopics.query('search', { query: 'oslo ferry', limit: 100 })).toEqual(after)
    await fresh.close()
    await db.close()
  })
})
