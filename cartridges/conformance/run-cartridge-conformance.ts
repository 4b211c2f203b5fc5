import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import {
  type Cartridge,
  type CartridgeCommit,
  type CartridgeDatabase,
  CURSOR_KEYSPACE,
  cartridgeDefinitionSchema,
  cartridgeProducer,
  cartridgeStatus,
  catchUpCartridge,
  isCartridge,
  listCartridgeQueries,
  openCartridge,
  provenanceSchema,
  queryCartridge,
  readCursor,
  rebuildCartridge,
} from '../spec/index.js'
import type { CartridgeConformanceArgs, ConformanceSubject } from './conformance-types.js'
import { dumpCartridgeKeyspaces } from './dump-keyspaces.js'
import { dumpNow, incrementalRun, writeGenerated } from './incremental-run.js'
import { testSeed } from './seeded-random.js'

function subjectOf(value: Cartridge | ConformanceSubject): ConformanceSubject {
  return 'cartridge' in value && typeof (value as ConformanceSubject).cartridge === 'object' ? (value as ConformanceSubject) : { cartridge: value as Cartridge }
}

async function allCommits(db: CartridgeDatabase): Promise<Map<number, CartridgeCommit>> {
  const head = db.txnId
  const commits = new Map<number, CartridgeCommit>()
  if (head === 0) return commits
  const iterator = db.commits({ from: 0 })
  try {
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
      commits.set(step.value.txnId, step.value)
      if (step.value.txnId >= head) break
    }
  } finally {
    await iterator.return?.()
  }
  return commits
}

/**
 * The cartridge conformance suite (vitest): call it at the top level of a `*.test.ts`
 * file. It checks that applying the commit stream in many small batches equals a full
 * rebuild byte for byte; that rebuilding twice is byte-identical and costs zero model
 * tokens in ledger replay mode; that reads as of earlier commits see the cartridge as
 * it was; that a crash inside `apply` leaves no partial state; that writes outside the
 * cartridge's keyspaces are refused; that a format change forces a rebuild; and that
 * every derived fact has valid provenance pointing at a real commit.
 *
 * @example
 * runCartridgeConformance({
 *   name: 'topics',
 *   createCartridge: () => createTopicsCartridge({ source: { prefix: 'notes/' } }),
 *   generateCommits: ({ seed, count }) => generateNotes(seed, count),
 *   sampleQueries: [{ name: 'search', input: { query: 'oslo', limit: 5 } }],
 * })
 */
export function runCartridgeConformance(args: CartridgeConformanceArgs): void {
  const seed = args.seed ?? testSeed()
  const count = args.commitCount ?? 120
  const sampleQueries = args.sampleQueries ?? []
  const commits = args.generateCommits({ seed, count })
  const context = `cartridge ${args.name}, seed ${seed} (set LIVINGDB_TEST_SEED to reproduce)`
  const fresh = (): ConformanceSubject => subjectOf(args.createCartridge({ ledgerMode: 'read-write' }))

  describe(`cartridge conformance: ${args.name}`, () => {
    it('is a valid v1 definition whose query operations list with JSON schemas', () => {
      const { cartridge } = fresh()
      expect(isCartridge(cartridge), context).toBe(true)
      expect(cartridgeDefinitionSchema.safeParse(cartridge).success, context).toBe(true)
      const listed = listCartridgeQueries([cartridge])
      expect(listed.map((query) => query.name)).toEqual(cartridge.queries.map((query) => query.name))
      for (const query of listed) {
        expect(query.description.length).toBeGreaterThan(0)
        expect(typeof query.inputSchema).toBe('object')
        expect(typeof query.outputSchema).toBe('object')
      }
    })

    it('applying the commit stream in many small batches equals a full rebuild, byte for byte', async () => {
      const { cartridge } = fresh()
      const { db } = await incrementalRun({ cartridge, commits, seed, sampleQueries })
      try {
        const incremental = dumpNow(db, cartridge)
        expect(incremental.length, `${context}: the generated commits must produce index entries`).toBeGreaterThan(1)
        await rebuildCartridge({ db, cartridge, maxCommitsPerBatch: 1000 })
        expect(dumpNow(db, cartridge), context).toEqual(incremental)
      } finally {
        await db.close()
      }
    })

    it('rebuilding twice is byte-identical and costs zero model tokens with the ledger in replay mode', async () => {
      const first = fresh()
      const { db } = await incrementalRun({ cartridge: first.cartridge, commits, seed, sampleQueries })
      try {
        const built = dumpNow(db, first.cartridge)
        const replay = subjectOf(args.createCartridge({ ledgerMode: 'replay' }))
        const before = replay.tokensUsed?.() ?? 0
        await rebuildCartridge({ db, cartridge: replay.cartridge })
        const once = dumpNow(db, replay.cartridge)
        await rebuildCartridge({ db, cartridge: replay.cartridge, maxCommitsPerBatch: 7 })
        const twice = dumpNow(db, replay.cartridge)
        expect(once, context).toEqual(built)
        expect(twice, context).toEqual(once)
        // A cartridge without tokensUsed calls no model: zero tokens by construction.
        expect((replay.tokensUsed?.() ?? 0) - before, `${context}: replayed rebuilds must not call a model`).toBe(0)
      } finally {
        await db.close()
      }
    })

    it('reads as of an earlier commit see the cartridge as it was then', async () => {
      const { cartridge } = fresh()
      const { db, checkpoints } = await incrementalRun({ cartridge, commits, seed, sampleQueries })
      try {
        expect(checkpoints.length, context).toBeGreaterThan(0)
        for (const checkpoint of checkpoints) {
          expect(db.readAt(checkpoint.txnId, (snapshot) => dumpCartridgeKeyspaces(cartridge, snapshot)), `${context}: txn ${checkpoint.txnId}`).toEqual(checkpoint.dump)
          const answers = sampleQueries.map((query) => queryCartridge({ db, cartridge, name: query.name, input: query.input, asOf: checkpoint.txnId }))
          expect(answers, `${context}: answers as of txn ${checkpoint.txnId}`).toEqual(checkpoint.answers)
        }
        // ...and what they saw is what a rebuild up to the cursor of that moment produces.
        for (const checkpoint of checkpoints) {
          await rebuildCartridge({ db, cartridge, upTo: checkpoint.cursor })
          expect(dumpNow(db, cartridge), `${context}: rebuild up to txn ${checkpoint.cursor}`).toEqual(checkpoint.dump)
        }
      } finally {
        await db.close()
      }
    })

    it('a crash inside apply leaves no partial state and the cursor where it was', async () => {
      const { cartridge } = fresh()
      const half = Math.floor(commits.length / 2)
      const { db } = await incrementalRun({ cartridge, commits, seed, sampleQueries, stopAfter: half })
      try {
        for (const commit of commits.slice(half)) await writeGenerated(db, commit)
        const before = dumpNow(db, cartridge)
        const cursorBefore = db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)))
        let writesBeforeCrash = 0
        const crashing: Cartridge = {
          ...cartridge,
          async apply(applyArgs) {
            const counted = {
              keyspace(name: string) {
                const inner = applyArgs.transaction.keyspace(name)
                return { ...inner, get: inner.get, scan: inner.scan, put: (key: string | Uint8Array, value: never) => (writesBeforeCrash++, inner.put(key, value)), delete: (key: string | Uint8Array) => (writesBeforeCrash++, inner.delete(key)) }
              },
            }
            await cartridge.apply({ ...applyArgs, transaction: counted, commits: applyArgs.commits.slice(0, Math.max(1, Math.ceil(applyArgs.commits.length / 2))) })
            throw new Error('injected crash in the middle of a batch (conformance fault)')
          },
        }
        const failure = await catchUpCartridge({ db, cartridge: crashing, maxCommitsPerBatch: 50 }).catch((error: unknown) => error)
        expect(LivingDbError.isInstance(failure) && failure.code, context).toBe('CARTRIDGE_APPLY_FAILED')
        expect(writesBeforeCrash, `${context}: the crashing apply must have written something first`).toBeGreaterThan(0)
        expect(dumpNow(db, cartridge), context).toEqual(before)
        expect(db.read((snapshot) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE))), context).toBe(cursorBefore)
        await catchUpCartridge({ db, cartridge })
        const recovered = dumpNow(db, cartridge)
        await rebuildCartridge({ db, cartridge })
        expect(dumpNow(db, cartridge), context).toEqual(recovered)
      } finally {
        await db.close()
      }
    })

    it('writes outside the cartridge keyspaces are refused and roll the batch back', async () => {
      const { cartridge } = fresh()
      const { db } = await incrementalRun({ cartridge, commits: commits.slice(0, 4), seed, sampleQueries: [] })
      try {
        for (const commit of commits.slice(4, 8)) await writeGenerated(db, commit)
        const before = dumpNow(db, cartridge)
        const trespassing: Cartridge = {
          ...cartridge,
          apply(applyArgs) {
            applyArgs.transaction.keyspace(cartridge.keyspaces[0]!).put('trespass-marker', 1)
            applyArgs.transaction.keyspace('not-mine').put('x', 1)
          },
        }
        const failure = await catchUpCartridge({ db, cartridge: trespassing }).catch((error: unknown) => error)
        expect(LivingDbError.isInstance(failure) && failure.code, context).toBe('CARTRIDGE_PERMISSION_DENIED')
        expect(dumpNow(db, cartridge), context).toEqual(before)
      } finally {
        await db.close()
      }
    })

    it('a format version change makes the index stale and opening rebuilds it', async () => {
      const { cartridge } = fresh()
      const { db } = await incrementalRun({ cartridge, commits: commits.slice(0, 20), seed, sampleQueries: [] })
      try {
        expect(cartridgeStatus({ db, cartridge }).state, context).toBe('current')
        const bumped: Cartridge = { ...cartridge, formatVersion: cartridge.formatVersion + 1 }
        expect(cartridgeStatus({ db, cartridge: bumped }).state, context).toBe('stale')
        const refused = await openCartridge({ db, cartridge: bumped, onStale: 'throw' }).catch((error: unknown) => error)
        expect(LivingDbError.isInstance(refused) && refused.code).toBe('CARTRIDGE_STALE')
        await openCartridge({ db, cartridge: bumped })
        expect(cartridgeStatus({ db, cartridge: bumped }).state, context).toBe('current')
        expect(cartridgeStatus({ db, cartridge }).state, context).toBe('stale')
      } finally {
        await db.close()
      }
    })

    it('every derived fact has provenance: source key, txn id, plugin@version, ledger entry', async () => {
      const { cartridge, ledgerEntryExists } = fresh()
      const { db } = await incrementalRun({ cartridge, commits, seed, sampleQueries })
      try {
        const byTxn = await allCommits(db)
        const facts = db.read((snapshot) => {
          const reader = { txnId: snapshot.txnId, keyspace: (name: string) => snapshot.keyspace(name) }
          return [...cartridge.listFacts({ reader })].map((fact) => ({ ...fact, stored: snapshot.keyspace(fact.keyspace).get(fact.key) !== undefined }))
        })
        expect(facts.length, `${context}: the generated commits must produce facts`).toBeGreaterThan(0)
        for (const fact of facts) {
          const where = `${context}: fact ${fact.keyspace}/${fact.key}`
          expect(fact.stored, where).toBe(true)
          expect(provenanceSchema.safeParse(fact.provenance).success, `${where}: ${JSON.stringify(fact.provenance)}`).toBe(true)
          expect(fact.provenance.plugin, where).toBe(args.producer ?? cartridgeProducer(cartridge))
          if (args.factsNeedLedgerEntry === true) expect(fact.provenance.ledgerEntryId, `${where}: needs a ledger entry`).not.toBeNull()
          if (fact.provenance.ledgerEntryId !== null && ledgerEntryExists !== undefined) expect(await ledgerEntryExists(fact.provenance.ledgerEntryId), `${where}: ledger entry ${fact.provenance.ledgerEntryId} must exist`).toBe(true)
          const source = byTxn.get(fact.provenance.txnId)
          expect(source?.origin, `${where}: txn ${fact.provenance.txnId} must be an app commit`).toBe('app')
          const touched = source?.ops.some((operation) => operation.keyspace === fact.provenance.sourceKeyspace && operation.key === fact.provenance.sourceKey)
          expect(touched, `${where}: txn ${fact.provenance.txnId} must write ${fact.provenance.sourceKey}`).toBe(true)
        }
      } finally {
        await db.close()
      }
    })
  })
}
