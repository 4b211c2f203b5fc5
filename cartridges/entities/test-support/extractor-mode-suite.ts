import { describe, expect, it } from 'vitest'
import { open } from '../../../core/index.js'
import { LivingDbError } from '../../../errors/index.js'
import { createLedgerGuard, MemoryLedgerStore } from '../../../llm/index.js'
import { dumpCartridgeKeyspaces, dumpNow, SeededRandom, testSeed, writeGenerated } from '../../conformance/index.js'
import { type Cartridge, type CartridgeCommit, type CartridgeDatabase, catchUpCartridge, CURSOR_KEYSPACE, openCartridge, provenanceSchema, queryCartridge, readCursor, rebuildCartridge } from '../../spec/index.js'
import { extractRecords, generateObjectExtractionCall, type SourceText } from '../extract-records.js'
import { DEFAULT_EXTRACTION_KEYSPACE, extractionKey } from '../extraction-record.js'
import { recordText } from '../record-text.js'
import { generateEntityNotes } from './generate-entity-notes.js'

const EXTRACTOR = 'entity-extractor@1.0.0'

async function commitAt(db: CartridgeDatabase, txnId: number): Promise<CartridgeCommit> {
  const iterator = db.commits({ from: txnId })
  try {
    return (await iterator.next()).value as CartridgeCommit
  } finally {
    await iterator.return?.()
  }
}

/**
 * What the entity-extractor plugin does, run inline after each app commit so the commit
 * stream is deterministic: the notes' extraction records (offline model through a
 * ledger, 3 records per call) written as one `plugin:entity-extractor` commit.
 */
async function extractAfter(db: CartridgeDatabase, txnId: number, ledger: MemoryLedgerStore, counter: { calls: number }): Promise<void> {
  const commit = await commitAt(db, txnId)
  const sources: SourceText[] = []
  const deletes: string[] = []
  for (const operation of commit.ops) {
    if (operation.keyspace !== 'default' || typeof operation.key !== 'string' || !operation.key.startsWith('notes/')) continue
    const text = operation.type === 'put' ? recordText(operation.value, ['title', 'body']) : ''
    if (text === '') deletes.push(extractionKey('default', operation.key))
    else sources.push({ keyspace: 'default', key: operation.key, txnId: commit.txnId, timestamp: commit.timestamp, text })
  }
  if (sources.length === 0 && deletes.length === 0) return
  const call = generateObjectExtractionCall({ guards: [createLedgerGuard({ store: ledger }), { name: 'count', wrapGenerate: async ({ request, next }) => (counter.calls++, next(request)) }] })
  const records = await extractRecords({ sources, call, plugin: EXTRACTOR, batching: { recordsPerCall: 3 } })
  await db.write((transaction) => {
    const space = transaction.keyspace(DEFAULT_EXTRACTION_KEYSPACE)
    for (const key of deletes) space.delete(key)
    for (const record of records) space.put(extractionKey(record.source.keyspace, record.source.key), record as never)
  }, { origin: 'plugin:entity-extractor' })
}

/**
 * The conformance checks for a cartridge fed by the entity-extractor plugin's records
 * (the shared suite expects facts derived by the cartridge itself from app commits):
 * incremental equals rebuild byte for byte, rebuilds call no model, as-of reads, a crash
 * in apply leaves nothing, and every fact's provenance names the app commit that wrote
 * its source key, the extractor's plugin@version and the model call's ledger entry.
 */
export function runExtractorModeSuite(args: { readonly name: string; readonly createCartridge: () => Cartridge; readonly sampleQueries: readonly { readonly name: string; readonly input: unknown }[] }): void {
  const seed = testSeed()
  const context = `${args.name} fed by the extractor, seed ${seed} (set LIVINGDB_TEST_SEED to reproduce)`
  const commits = generateEntityNotes({ seed, count: 60 })

  async function build() {
    const db = await open({ durability: 'none', timeTravelTxns: 4 })
    const cartridge = args.createCartridge()
    const ledger = new MemoryLedgerStore()
    const counter = { calls: 0 }
    const random = new SeededRandom(seed)
    const checkpoints: { txnId: number; dump: string[]; answers: unknown[] }[] = []
    await openCartridge({ db, cartridge })
    for (const [index, generated] of commits.entries()) {
      await writeGenerated(db, generated)
      await extractAfter(db, db.txnId, ledger, counter)
      if (random.next() < 0.4) await catchUpCartridge({ db, cartridge, maxCommitsPerBatch: random.integer(1, 3) })
      if (index % 15 === 14) {
        await catchUpCartridge({ db, cartridge })
        checkpoints.push({ txnId: db.txnId, dump: dumpNow(db, cartridge), answers: args.sampleQueries.map((query) => queryCartridge({ db, cartridge, name: query.name, input: query.input })) })
      }
    }
    await catchUpCartridge({ db, cartridge, maxCommitsPerBatch: 2 })
    return { db, cartridge, counter, checkpoints }
  }

  describe(`extractor-fed conformance: ${args.name}`, () => {
    it('incremental equals a rebuild byte for byte, and rebuilding calls no model', async () => {
      const { db, cartridge, counter } = await build()
      try {
        const incremental = dumpNow(db, cartridge)
        expect(incremental.length, context).toBeGreaterThan(10)
        const calls = counter.calls
        await rebuildCartridge({ db, cartridge })
        expect(dumpNow(db, cartridge), context).toEqual(incremental)
        await rebuildCartridge({ db, cartridge, maxCommitsPerBatch: 5 })
        expect(dumpNow(db, cartridge), context).toEqual(incremental)
        expect(counter.calls, context).toBe(calls)
      } finally {
        await db.close()
      }
    })

    it('reads as of earlier commits see the cartridge as it was', async () => {
      const { db, cartridge, checkpoints } = await build()
      try {
        expect(checkpoints.length).toBeGreaterThan(1)
        for (const checkpoint of checkpoints.slice(-2)) {
          expect(db.readAt(checkpoint.txnId, (snapshot) => dumpCartridgeKeyspaces(cartridge, snapshot)), `${context}: txn ${checkpoint.txnId}`).toEqual(checkpoint.dump)
          expect(args.sampleQueries.map((query) => queryCartridge({ db, cartridge, name: query.name, input: query.input, asOf: checkpoint.txnId })), context).toEqual(checkpoint.answers)
        }
        for (const checkpoint of checkpoints) {
          await rebuildCartridge({ db, cartridge, upTo: checkpoint.txnId })
          expect(dumpNow(db, cartridge), `${context}: rebuild up to ${checkpoint.txnId}`).toEqual(checkpoint.dump)
        }
      } finally {
        await db.close()
      }
    })

    it('a crash inside apply leaves no partial state', async () => {
      const { db, cartridge } = await build()
      try {
        await rebuildCartridge({ db, cartridge, upTo: Math.floor(db.txnId / 2) })
        const before = dumpNow(db, cartridge)
        const cursor = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
        const crashing: Cartridge = {
          ...cartridge,
          async apply(applyArgs) {
            await cartridge.apply(applyArgs)
            throw new Error('injected crash after writing (conformance fault)')
          },
        }
        const failure = await catchUpCartridge({ db, cartridge: crashing, maxCommitsPerBatch: 40 }).catch((error: unknown) => error)
        expect(LivingDbError.isInstance(failure) && failure.code, context).toBe('CARTRIDGE_APPLY_FAILED')
        expect(dumpNow(db, cartridge), context).toEqual(before)
        expect(db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))).toBe(cursor)
      } finally {
        await db.close()
      }
    })

    it('every fact has provenance naming the app commit of its source, the extractor and the ledger entry', async () => {
      const { db, cartridge } = await build()
      try {
        const facts = db.read((snapshot) => [...cartridge.listFacts({ reader: { txnId: snapshot.txnId, keyspace: (name) => snapshot.keyspace(name) } })])
        expect(facts.length, context).toBeGreaterThan(10)
        let fromExtractor = 0
        for (const fact of facts) {
          const where = `${context}: ${fact.key}`
          expect(provenanceSchema.safeParse(fact.provenance).success, where).toBe(true)
          const source = await commitAt(db, fact.provenance.txnId)
          expect(source.origin, where).toBe('app')
          expect(source.ops.some((operation) => operation.keyspace === fact.provenance.sourceKeyspace && operation.key === fact.provenance.sourceKey), where).toBe(true)
          if (fact.provenance.plugin === EXTRACTOR) {
            fromExtractor++
            expect(fact.provenance.ledgerEntryId, where).toMatch(/^[0-9a-f]{64}$/)
          } else {
            expect(fact.provenance.sourceKey, `${where}: only directives are the cartridge's own facts`).toMatch(/^entity-directives\//)
          }
        }
        expect(fromExtractor, context).toBeGreaterThan(0)
      } finally {
        await db.close()
      }
    })
  })
}
