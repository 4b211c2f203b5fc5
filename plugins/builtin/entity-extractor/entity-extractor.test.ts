import { afterEach, describe, expect, it } from 'vitest'
import { open } from '../../../core/index.js'
import { createEntitiesCartridge, type ExtractionCall, type ExtractionRecord, extractionKey } from '../../../cartridges/entities/index.js'
import { createRelationshipsCartridge } from '../../../cartridges/relationships/index.js'
import { dumpNow } from '../../../cartridges/conformance/index.js'
import { openCartridge, rebuildCartridge } from '../../../cartridges/spec/index.js'
import { createLedgerGuard, MemoryLedgerStore } from '../../../llm/index.js'
import { createLlmModelAccess, createPluginHost, type PluginHost } from '../../host/index.js'
import type { PluginCommit } from '../../spec/index.js'
import { entityExtractorConfigSchema } from './entity-extractor-config.js'
import { extractCommits } from './extract-commits.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

const commit = (txnId: number, operations: PluginCommit['operations']): PluginCommit => ({ txnId, timestamp: 1_700_000_000_000 + txnId, origin: 'app', operations })

/** A model call that answers from the prompt's records (every capitalised word pair is an organisation) and counts calls. */
function fakeCall(): { call: ExtractionCall; prompts: string[] } {
  const prompts: string[] = []
  return {
    prompts,
    call: async ({ prompt }) => {
      prompts.push(prompt)
      const names = [...prompt.matchAll(/[A-Z][a-z]+ (?:Corp|Labs)/g)].map((match) => match[0])
      return { object: { entities: names.map((name) => ({ name, type: 'organization', confidence: 0.9 })), topics: [], relationships: [] }, ledgerEntryId: `entry-${prompts.length}`, modelId: 'fake:model' }
    },
  }
}

describe('extractCommits', () => {
  it('batches records per call, keeps the last operation per key and deletes records that lost their text', async () => {
    const config = entityExtractorConfigSchema.parse({ keyPrefix: 'notes/', fields: ['text'], recordsPerCall: 4 })
    const { call, prompts } = fakeCall()
    const commits = [
      commit(1, Array.from({ length: 9 }, (_, index) => ({ type: 'put' as const, keyspace: 'default', key: `notes/${index}`, value: { text: `Note ${index} about Acme Corp and Oslo Labs.` } }))),
      commit(2, [
        { type: 'put', keyspace: 'default', key: 'notes/0', value: { text: 'Now about Globex Corp only.' } },
        { type: 'delete', keyspace: 'default', key: 'notes/1' },
        { type: 'put', keyspace: 'default', key: 'notes/2', value: { $base64: 'AAEC' } },
        { type: 'put', keyspace: 'default', key: 'other/1', value: { text: 'Umbrella Corp' } },
      ]),
    ]
    const writes = await extractCommits({ commits, config, call, plugin: 'entity-extractor@1.0.0' })
    expect(prompts).toHaveLength(2) // 7 records with text, 4 per call
    const puts = writes.filter((write) => write.type === 'put') as unknown as { key: string; value: ExtractionRecord }[]
    expect(puts.map((write) => write.value.source.key)).toEqual(['notes/3', 'notes/4', 'notes/5', 'notes/6', 'notes/7', 'notes/8', 'notes/0'])
    expect(writes.filter((write) => write.type === 'delete').map((write) => write.key)).toEqual([extractionKey('default', 'notes/1'), extractionKey('default', 'notes/2')])
    const rewritten = puts.find((write) => write.value.source.key === 'notes/0')!.value
    expect(rewritten).toMatchObject({ source: { txnId: 2 }, plugin: 'entity-extractor@1.0.0', modelId: 'fake:model', entities: [{ name: 'Globex Corp' }] })
    expect(puts[0]!.value.entities.map((entity) => entity.name)).toEqual(['Acme Corp', 'Oslo Labs'])
  })

  it('with grouping "commit" sends the same requests however the commits were batched', async () => {
    const config = entityExtractorConfigSchema.parse({ keyPrefix: 'notes/', recordsPerCall: 4, grouping: 'commit' })
    const commits = Array.from({ length: 6 }, (_, index) => commit(index + 1, [0, 1, 2].map((part) => ({ type: 'put' as const, keyspace: 'default', key: `notes/${index}-${part}`, value: `Item ${index}-${part} for Acme Corp.` }))))
    const together = fakeCall()
    const split = fakeCall()
    const first = await extractCommits({ commits, config, call: together.call, plugin: 'entity-extractor@1.0.0' })
    const second = [...(await extractCommits({ commits: commits.slice(0, 2), config, call: split.call, plugin: 'entity-extractor@1.0.0' })), ...(await extractCommits({ commits: commits.slice(2), config, call: split.call, plugin: 'entity-extractor@1.0.0' }))]
    expect(together.prompts).toEqual(split.prompts)
    expect(together.prompts).toHaveLength(6)
    expect(second.map((write) => write.key)).toEqual(first.map((write) => write.key))
  })
})

describe('entity-extractor in the plugin host', () => {
  it('feeds the entities and relationships cartridges, which rebuild from its records without a model', async () => {
    const db = await open({ durability: 'none' })
    try {
      const ledger = new MemoryLedgerStore()
      const host = await createPluginHost({
        db,
        plugins: [{ module: new URL('./entity-extractor.ts', import.meta.url), config: { keyPrefix: 'notes/', fields: ['text'], recordsPerCall: 4 } }],
        models: createLlmModelAccess({ languageModel: 'offline:default', guards: [createLedgerGuard({ store: ledger })] }),
        onLog: () => {},
      })
      hosts.push(host)
      const texts = ['Dana Whitfield works at Acme Corp.', 'Lee Park met Dana Whitfield in Oslo.', 'ACME Corp. acquired Initech.', 'Dana Whitfield works at Globex.', 'Priya Raman reports to Lee Park.']
      const noteTxns: number[] = []
      for (const [index, text] of texts.entries()) noteTxns.push((await db.write((transaction) => transaction.keyspace('default').put(`notes/${index}`, { text }), { origin: 'app' })).txnId)
      await host.idle()
      const entities = await openCartridge({ db, cartridge: createEntitiesCartridge() })
      const graph = await openCartridge({ db, cartridge: createRelationshipsCartridge() })
      const acme = entities.query('lookup', { name: 'Acme Corp' }) as { id: string; mentions: number }[]
      expect(acme[0]).toMatchObject({ id: 'organization:acme corp', mentions: 2 })
      const mentions = entities.query('mentions', { id: 'person:dana whitfield' }) as { sourceKey: string; txnId: number; provenance: { plugin: string } }[]
      expect(mentions.map((mention) => [mention.sourceKey, mention.txnId])).toEqual([
        ['notes/3', noteTxns[3]],
        ['notes/1', noteTxns[1]],
        ['notes/0', noteTxns[0]],
      ])
      expect(mentions.every((mention) => mention.provenance.plugin === 'entity-extractor@1.0.0')).toBe(true)
      // The host passes the ledger entry of each model call back, so facts name the call that made them.
      const ledgerIds = (mentions as unknown as { provenance: { ledgerEntryId: string | null } }[]).map((mention) => mention.provenance.ledgerEntryId)
      expect(ledgerIds.every((id) => typeof id === 'string' && /^[0-9a-f]{64}$/.test(id))).toBe(true)
      const employers = graph.query('history', { entityId: 'person:dana whitfield', predicate: 'work at' }) as { entityId: string; edge: { validTo: number | null } }[]
      expect(employers.map((neighbour) => [neighbour.entityId, neighbour.edge.validTo === null])).toEqual([
        ['organization:acme corp', false],
        ['organization:globex', true],
      ])
      const before = [dumpNow(db, entities.cartridge), dumpNow(db, graph.cartridge)]
      await rebuildCartridge({ db, cartridge: entities.cartridge })
      await rebuildCartridge({ db, cartridge: graph.cartridge })
      expect([dumpNow(db, entities.cartridge), dumpNow(db, graph.cartridge)]).toEqual(before)
    } finally {
      await Promise.all(hosts.splice(0).map((host) => host.close()))
      await db.close()
    }
  })
})
