import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { dumpNow } from '../conformance/index.js'
import { canonicalFingerprint, openCartridge, rebuildCartridge } from '../spec/index.js'
import { writeEntityDirective } from '../entities/index.js'
import { deleteExtractedNote, writeExtractedNote } from '../entities/test-support/extraction-fixtures.js'
import { createRelationshipsCartridge } from './create-relationships-cartridge.js'

type Neighbour = { entityId: string | null; direction: string; edge: { predicate: string; object: string; validFrom: number; validTo: number | null; closedBy: { reason: string } | null; provenance: { sourceKey: string; plugin: string } } }

const person = (name: string) => ({ name, type: 'person' })
const organization = (name: string) => ({ name, type: 'organization' })

async function setup() {
  const db = await open({ durability: 'none' })
  const cartridge = createRelationshipsCartridge()
  const graph = await openCartridge({ db, cartridge })
  return { db, cartridge, graph }
}

describe('relationships cartridge', () => {
  it('recreates the same cartridge (same fingerprint) from its recorded recipe', () => {
    const cartridge = createRelationshipsCartridge({ functionalPredicates: ['Work At', 'report to'] })
    const again = createRelationshipsCartridge(cartridge.recipe!.options as never)
    expect(canonicalFingerprint(again.fingerprint)).toBe(canonicalFingerprint(cartridge.fingerprint))
  })

  it('closes the old edge of a functional predicate instead of deleting it, and answers as of a txn', async () => {
    const { db, cartridge, graph } = await setup()
    try {
      const first = await writeExtractedNote({ db, key: 'notes/1', entities: [person('Alice Moreau'), organization('Initech')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [person('Alice Moreau'), organization('Oslo Labs')], relationships: [{ subject: 0, predicate: 'partner with', object: 1 }] })
      const second = await writeExtractedNote({ db, key: 'notes/3', entities: [person('alice moreau'), organization('Globex')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await graph.catchUp()
      const now = graph.query('neighbours', { entityId: 'person:alice moreau', predicate: 'work at' }) as Neighbour[]
      expect(now.map((neighbour) => neighbour.entityId)).toEqual(['organization:globex'])
      const then = graph.query('neighbours', { entityId: 'person:alice moreau', predicate: 'work at', asOfTxn: first }) as Neighbour[]
      expect(then.map((neighbour) => neighbour.entityId)).toEqual(['organization:initech'])
      const history = graph.query('history', { entityId: 'person:alice moreau', predicate: 'work at' }) as Neighbour[]
      expect(history).toHaveLength(2)
      const closed = history.find((neighbour) => neighbour.entityId === 'organization:initech')!
      expect(closed.edge).toMatchObject({ validFrom: first, validTo: second, closedBy: { reason: 'contradiction' }, provenance: { sourceKey: 'notes/1', plugin: 'entity-extractor@1.0.0' } })
      // A non-functional predicate is not contradicted.
      expect((graph.query('neighbours', { entityId: 'person:alice moreau' }) as Neighbour[]).map((neighbour) => neighbour.edge.predicate).sort()).toEqual(['partner with', 'work at'])
      const incremental = dumpNow(db, cartridge)
      await rebuildCartridge({ db, cartridge })
      expect(dumpNow(db, cartridge)).toEqual(incremental)
    } finally {
      await db.close()
    }
  })

  it('treats another name of the same entity as the same object, and a merged subject as the same subject', async () => {
    const { db, graph } = await setup()
    try {
      await writeExtractedNote({ db, key: 'notes/1', entities: [person('Omar Haddad'), organization('Acme Corp')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [person('Omar Haddad'), organization('ACME')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await graph.catchUp()
      const open = graph.query('neighbours', { entityId: 'person:omar haddad', predicate: 'work at' }) as Neighbour[]
      expect(open.map((neighbour) => [neighbour.entityId, neighbour.edge.object, neighbour.edge.validTo])).toEqual([
        ['organization:acme corp', 'Acme Corp', null],
        ['organization:acme corp', 'ACME', null],
      ])
      await writeExtractedNote({ db, key: 'notes/3', entities: [person('O. Haddad'), organization('Initech')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await writeEntityDirective({ db, directive: { op: 'merge', from: 'person:o haddad', into: 'person:omar haddad' } })
      await writeExtractedNote({ db, key: 'notes/4', entities: [person('O. Haddad'), organization('Globex')], relationships: [{ subject: 0, predicate: 'work at', object: 1 }] })
      await graph.catchUp()
      const now = graph.query('neighbours', { entityId: 'person:omar haddad', predicate: 'work at' }) as Neighbour[]
      expect(now.map((neighbour) => neighbour.entityId)).toEqual(['organization:globex'])
    } finally {
      await db.close()
    }
  })

  it('closes the edges of a deleted or rewritten source, keeping them in history', async () => {
    const { db, graph } = await setup()
    try {
      await writeExtractedNote({ db, key: 'notes/1', entities: [person('Dana Whitfield'), person('Lee Park'), organization('Hooli')], relationships: [{ subject: 0, predicate: 'report to', object: 1 }, { subject: 1, predicate: 'lead', object: 2 }] })
      await graph.catchUp()
      expect((graph.query('neighbours', { entityId: 'person:lee park' }) as Neighbour[]).map((neighbour) => [neighbour.direction, neighbour.entityId])).toEqual([
        ['out', 'organization:hooli'],
        ['in', 'person:dana whitfield'],
      ])
      await writeExtractedNote({ db, key: 'notes/1', entities: [person('Dana Whitfield'), person('Lee Park')], relationships: [{ subject: 0, predicate: 'report to', object: 1 }] })
      await graph.catchUp()
      expect((graph.query('neighbours', { entityId: 'person:lee park' }) as Neighbour[]).map((neighbour) => neighbour.entityId)).toEqual(['person:dana whitfield'])
      await deleteExtractedNote(db, 'notes/1')
      await graph.catchUp()
      expect(graph.query('neighbours', { entityId: 'person:lee park' })).toEqual([])
      expect(graph.stats()).toMatchObject({ edges: 2, openEdges: 0, closedEdges: 2 })
    } finally {
      await db.close()
    }
  })

  it('keeps derived keys under the engine limit for long source keys, names and predicates', async () => {
    const { db, graph } = await setup()
    try {
      const long = (letter: string) => `${letter.toUpperCase()}${'x'.repeat(150)} ${letter.toUpperCase()}${'y'.repeat(40)}`
      await writeExtractedNote({ db, key: `notes/${'k'.repeat(300)}`, entities: [person(long('a')), organization(long('b'))], relationships: [{ subject: 0, predicate: `work at ${'z'.repeat(90)}`, object: 1 }] })
      await graph.catchUp()
      const [found] = graph.query('lookup', { name: long('a') }) as { id: string }[]
      expect(found!.id.length).toBeGreaterThan(150)
      expect((graph.query('neighbours', { entityId: found!.id }) as Neighbour[]).map((neighbour) => neighbour.edge.object)).toEqual([long('b')])
    } finally {
      await db.close()
    }
  })

  it('traverses k hops and finds shortest paths breadth first', async () => {
    const { db, graph } = await setup()
    try {
      // a → b → c → d, and a → e → d: the shortest path a..d has two hops.
      const names = ['Anna Alpha', 'Bruno Beta', 'Carla Gamma', 'Dmitri Delta', 'Erik Epsilon'].map(person)
      const link = (key: string, from: number, to: number) => writeExtractedNote({ db, key, entities: [names[from]!, names[to]!], relationships: [{ subject: 0, predicate: 'know', object: 1 }] })
      await link('notes/ab', 0, 1)
      await link('notes/bc', 1, 2)
      await link('notes/cd', 2, 3)
      await link('notes/ae', 0, 4)
      await link('notes/ed', 4, 3)
      await graph.catchUp()
      const reached = graph.query('traverse', { entityId: 'person:anna alpha', depth: 2, direction: 'out' }) as { entityId: string; depth: number }[]
      expect(reached.map((node) => [node.entityId, node.depth])).toEqual([
        ['person:bruno beta', 1],
        ['person:erik epsilon', 1],
        ['person:carla gamma', 2],
        ['person:dmitri delta', 2],
      ])
      const path = graph.query('shortestPath', { from: 'person:anna alpha', to: 'person:dmitri delta', direction: 'out' }) as { entities: { entityId: string }[] }
      expect(path.entities.map((entity) => entity.entityId)).toEqual(['person:anna alpha', 'person:erik epsilon', 'person:dmitri delta'])
      expect(graph.query('shortestPath', { from: 'person:dmitri delta', to: 'person:anna alpha', direction: 'out' })).toBeNull()
      expect((graph.query('shortestPath', { from: 'person:dmitri delta', to: 'person:anna alpha' }) as { edges: unknown[] }).edges).toHaveLength(2)
      expect(graph.query('lookup', { name: 'dmitri delta' })).toMatchObject([{ id: 'person:dmitri delta' }])
    } finally {
      await db.close()
    }
  })
})
