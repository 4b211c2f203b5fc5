import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { canonicalFingerprint, catchUpCartridge, openCartridge, queryCartridge, rebuildCartridge } from '../spec/index.js'
import { dumpNow } from '../conformance/index.js'
import { createEntitiesCartridge } from './create-entities-cartridge.js'
import { writeEntityDirective } from './entity-directive.js'
import { deleteExtractedNote, writeExtractedNote } from './test-support/extraction-fixtures.js'
import { jaroWinkler, nameVariants, normalizeName } from './normalize-name.js'

const organization = (name: string) => ({ name, type: 'organization' })

type Summary = { id: string; canonicalName: string; aliases: string[]; mentions: number; matchedBy: string }

async function setup() {
  const db = await open({ durability: 'none' })
  const cartridge = createEntitiesCartridge()
  const handle = await openCartridge({ db, cartridge })
  const lookup = (name: string, extra: object = {}) => handle.query('lookup', { name, ...extra }) as Summary[]
  return { db, cartridge, handle, lookup }
}

describe('name normalisation and similarity', () => {
  it('normalises case, punctuation, possessives and a leading "the"', () => {
    expect(normalizeName('The  ACME Corp.')).toBe('acme corp')
    expect(normalizeName("Dana's")).toBe('dana')
    expect(normalizeName('  -- ')).toBe('')
  })
  it('derives legal-form and initials variants', () => {
    expect(nameVariants('acme corp', 'organization')).toEqual(['acme'])
    expect(nameVariants('general electric company', 'organization')).toEqual(['ge', 'general electric'])
    expect(nameVariants('new york city', 'place')).toEqual(['nyc'])
    expect(nameVariants('dana whitfield', 'person')).toEqual([])
  })
  it('scores Jaro–Winkler like the reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3)
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3)
    expect(jaroWinkler('abc', 'abc')).toBe(1)
    expect(jaroWinkler('abc', 'xyz')).toBe(0)
  })
})

describe('entities cartridge recipe', () => {
  it('recreates the same cartridge (same fingerprint) from its recorded recipe', () => {
    const cartridge = createEntitiesCartridge({ resolution: { fuzzyThreshold: 0.95 } })
    const again = createEntitiesCartridge(cartridge.recipe!.options as never)
    expect(canonicalFingerprint(again.fingerprint)).toBe(canonicalFingerprint(cartridge.fingerprint))
    expect(createEntitiesCartridge({ input: { kind: 'inline' } }).recipe).toBeUndefined()
  })
})

describe('entity resolution', () => {
  it('merges spellings, legal forms, initials and near-misses into one entity, keeps different things apart', async () => {
    const { db, handle, lookup } = await setup()
    try {
      await writeExtractedNote({ db, key: 'notes/1', entities: [{ name: 'Acme Corp', type: 'organization' }, { name: 'New York City', type: 'place' }] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [{ name: 'ACME Corp.', type: 'organization' }, { name: 'NYC', type: 'place' }] })
      await writeExtractedNote({ db, key: 'notes/3', entities: [{ name: 'Acme', type: 'organization' }, { name: 'Globex Corporation', type: 'organization' }] })
      await writeExtractedNote({ db, key: 'notes/4', entities: [{ name: 'Globex Corporaton', type: 'organization' }, { name: 'Dana', type: 'person' }, { name: 'Dan', type: 'person' }] })
      await handle.catchUp()
      const acme = lookup('acme corporation')
      expect(acme).toHaveLength(1)
      expect(acme[0]).toMatchObject({ id: 'organization:acme corp', mentions: 3, matchedBy: 'alias' })
      expect(acme[0]!.aliases.sort()).toEqual(['Acme'])
      expect(lookup('NYC')[0]).toMatchObject({ id: 'place:new york city', canonicalName: 'New York City', mentions: 2 })
      expect(lookup('Globex Corporaton')[0]).toMatchObject({ id: 'organization:globex corporation', mentions: 2 })
      expect(lookup('Dan')[0]!.id).toBe('person:dan')
      expect(lookup('Dana')[0]!.id).toBe('person:dana')
      const detail = handle.query('get', { id: 'organization:globex corporation' }) as { merges: { method: string; name: string; score: number }[] }
      expect(detail.merges).toMatchObject([{ method: 'fuzzy', name: 'Globex Corporaton' }])
      expect(detail.merges[0]!.score).toBeGreaterThanOrEqual(0.92)
      const mentions = handle.query('mentions', { id: 'place:new york city' }) as { sourceKey: string; txnId: number; provenance: { plugin: string; ledgerEntryId: string } }[]
      expect(mentions.map((mention) => mention.sourceKey)).toEqual(['notes/2', 'notes/1'])
      expect(mentions[0]!.provenance).toMatchObject({ plugin: 'entity-extractor@1.0.0', ledgerEntryId: 'ledger-notes/2' })
      expect((handle.query('listByType', { type: 'person' }) as Summary[]).map((entity) => entity.id)).toEqual(['person:dan', 'person:dana'])
    } finally {
      await db.close()
    }
  })

  it('unmerges a name and undoes a whole-entity merge, and rebuilds to the same bytes', async () => {
    const { db, cartridge, handle, lookup } = await setup()
    try {
      await writeExtractedNote({ db, key: 'notes/1', entities: [{ name: 'Acme Corp', type: 'organization' }, { name: 'Hooli', type: 'organization' }] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [{ name: 'Acme', type: 'organization' }, { name: 'Initech', type: 'organization' }] })
      await handle.catchUp()
      expect(lookup('Acme')[0]!.id).toBe('organization:acme corp')
      await writeEntityDirective({ db, directive: { op: 'unmerge', entityId: 'organization:acme corp', name: 'Acme' } })
      await writeEntityDirective({ db, directive: { op: 'merge', from: 'organization:hooli', into: 'organization:initech' } })
      await handle.catchUp()
      expect(lookup('Acme', { fuzzy: false })[0]).toMatchObject({ id: 'organization:acme', mentions: 1 })
      expect(lookup('Hooli')[0]).toMatchObject({ id: 'organization:initech', mentions: 2 })
      const merges = (handle.query('get', { id: 'organization:acme corp' }) as { merges: { name: string; revertedBy: unknown }[] }).merges
      expect(merges).toHaveLength(1)
      expect(merges[0]!.revertedBy).not.toBeNull()
      // A later mention of the split name goes to its own entity by exact match.
      await writeExtractedNote({ db, key: 'notes/3', entities: [{ name: 'ACME', type: 'organization' }] })
      await writeEntityDirective({ db, directive: { op: 'unmerge', entityId: 'organization:initech', fromEntityId: 'organization:hooli' } })
      await handle.catchUp()
      expect(lookup('acme', { fuzzy: false })[0]).toMatchObject({ id: 'organization:acme', mentions: 2 })
      // The only records naming "Acme" go away and come back: the unmerge still holds.
      await deleteExtractedNote(db, 'notes/2')
      await deleteExtractedNote(db, 'notes/3')
      await writeExtractedNote({ db, key: 'notes/5', entities: [{ name: 'Acme', type: 'organization' }] })
      await handle.catchUp()
      expect(lookup('acme', { fuzzy: false })[0]).toMatchObject({ id: 'organization:acme', mentions: 1 })
      expect(lookup('Hooli')[0]).toMatchObject({ id: 'organization:hooli', mentions: 1 })
      const incremental = dumpNow(db, cartridge)
      await rebuildCartridge({ db, cartridge })
      expect(dumpNow(db, cartridge)).toEqual(incremental)
    } finally {
      await db.close()
    }
  })

  it('retracts mentions when a source goes away and deletes entities left without names', async () => {
    const { db, handle, lookup } = await setup()
    try {
      await writeExtractedNote({ db, key: 'notes/1', entities: [{ name: 'Initech', type: 'organization' }] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [{ name: 'Initech', type: 'organization' }, { name: 'Oslo', type: 'place' }] })
      await handle.catchUp()
      expect(lookup('Initech')[0]!.mentions).toBe(2)
      await deleteExtractedNote(db, 'notes/2')
      await handle.catchUp()
      expect(lookup('Initech')[0]!.mentions).toBe(1)
      expect(lookup('Oslo')).toEqual([])
      expect(handle.stats()).toMatchObject({ entities: 1, names: 1, mentions: 1 })
    } finally {
      await db.close()
    }
  })

  it('asks the optional model confirmation before a fuzzy merge and records its ledger entry', async () => {
    const asked: string[] = []
    const db = await open({ durability: 'none' })
    try {
      const cartridge = createEntitiesCartridge({
        resolution: {
          confirmBelow: 1,
          confirm: async ({ mention, candidate }) => {
            asked.push(`${mention.name} ~ ${candidate.canonicalName}`)
            return { same: mention.name.startsWith('Globex'), ledgerEntryId: 'confirmation-entry' }
          },
        },
      })
      const handle = await openCartridge({ db, cartridge })
      await writeExtractedNote({ db, key: 'notes/1', entities: [organization('Globex Corporation'), organization('Umbrella Holdings')] })
      await writeExtractedNote({ db, key: 'notes/2', entities: [organization('Globex Corporaton'), organization('Umbrela Holdings')] })
      await handle.catchUp()
      expect(asked).toEqual(['Globex Corporaton ~ Globex Corporation', 'Umbrela Holdings ~ Umbrella Holdings'])
      const globex = handle.query('get', { id: 'organization:globex corporation' }) as { merges: { method: string; provenance: { ledgerEntryId: string } }[] }
      expect(globex.merges).toMatchObject([{ method: 'model', provenance: { ledgerEntryId: 'confirmation-entry' } }])
      expect((handle.query('listByType', { type: 'organization' }) as Summary[]).map((entity) => entity.id)).toEqual(['organization:globex corporation', 'organization:umbrela holdings', 'organization:umbrella holdings'])
    } finally {
      await db.close()
    }
  })

  it('keeps a malformed extraction record as rejected instead of dropping it silently', async () => {
    const { db, handle } = await setup()
    try {
      await db.write((transaction) => transaction.keyspace('entity-extractor').put('x/default/notes%2F9', { format: 99 }), { origin: 'plugin:entity-extractor' })
      await handle.catchUp()
      expect(handle.stats()).toMatchObject({ rejected: 1, entities: 0 })
    } finally {
      await db.close()
    }
  })

  it('makes no duplicates when many writers commit records naming the same entity concurrently', async () => {
    const { db, cartridge, lookup } = await setup()
    try {
      const spellings = ['Acme Corp', 'ACME Corp.', 'Acme', 'acme corp', 'Acme Corporation']
      const writers = Array.from({ length: 40 }, async (_, index) => {
        await writeExtractedNote({ db, key: `notes/${index}`, entities: [{ name: spellings[index % spellings.length]!, type: 'organization' }, { name: 'New York City', type: 'place' }] })
        if (index % 5 === 0) await catchUpCartridge({ db, cartridge, maxCommitsPerBatch: 3 })
      })
      const followers = Array.from({ length: 4 }, () => catchUpCartridge({ db, cartridge, maxCommitsPerBatch: 7 }))
      await Promise.all([...writers, ...followers])
      await catchUpCartridge({ db, cartridge })
      const organizations = queryCartridge({ db, cartridge, name: 'listByType', input: { type: 'organization' } }) as Summary[]
      expect(organizations.map((entity) => entity.id)).toEqual(['organization:acme corp'])
      expect(organizations[0]!.mentions).toBe(40)
      expect(lookup('NYC')[0]!.mentions).toBe(40)
      const incremental = dumpNow(db, cartridge)
      await rebuildCartridge({ db, cartridge })
      expect(dumpNow(db, cartridge)).toEqual(incremental)
    } finally {
      await db.close()
    }
  })
})
