import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../spec/index.js'
import { MemoryAuditStore, MemoryCounterStore, MemoryLedgerStore, openFileStores } from '../stores/index.js'
import { assertAuditLog, tailAuditLog, verifyAuditLog } from './audit-log.js'
import { auditHash, type AuditRecord } from './audit-record.js'
import { createAuditGuard } from './audit.js'
import { createBudgetGuard } from './budget.js'
import { guardLanguageModel } from './compose.js'
import { createLedgerGuard } from './ledger.js'
import { createRedactionGuard } from './redaction.js'
import { createFakeClock } from './test-support/fake-clock.js'
import { createFakeModel } from './test-support/fake-models.js'

const ask = (text: string): GenerateRequest => ({ messages: [{ role: 'user', content: text }], maxOutputTokens: 20 })

async function filledLog(options: { readonly hmacKey?: string } = {}): Promise<MemoryAuditStore> {
  const store = new MemoryAuditStore()
  const clock = createFakeClock()
  const model = createFakeModel({ provider: 'openai', modelId: 'gpt-4.1-mini', usage: { inputTokens: 30, outputTokens: 10 } })
  const guarded = guardLanguageModel({
    model,
    context: { scope: 'plugin:notes', task: 'extraction' },
    middleware: [
      createRedactionGuard(),
      createAuditGuard({ store, clock, ...options }),
      createLedgerGuard({ store: new MemoryLedgerStore() }),
      createBudgetGuard({ store: new MemoryCounterStore(), clock, limits: [{ scope: '*', period: 'day', maxTokens: 200 }] }),
    ],
  })
  await guarded.doGenerate(ask('mail ann@example.com and bob@example.com'))
  await guarded.doGenerate(ask('second call'))
  await guarded.doGenerate(ask('second call')) // ledger hit
  await guarded.doGenerate(ask('third call'))
  await expect(guarded.doGenerate(ask('x'.repeat(2_000)))).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' })
  return store
}

describe('audit guard and log', () => {
  it('records every call with its facts, hash-chained', async () => {
    const store = await filledLog()
    const records = store.records as AuditRecord[]
    expect(records.map((record) => record.outcome)).toEqual(['ok', 'ok', 'cached', 'ok', 'error'])
    expect(records[0]).toMatchObject({ seq: 0, scope: 'plugin:notes', task: 'extraction', provider: 'openai', model: 'gpt-4.1-mini', inputTokens: 30, outputTokens: 10, redactions: { EMAIL: 2 } })
    expect(records[0]!.costUsd).toBeCloseTo((30 * 0.4 + 10 * 1.6) / 1e6, 12)
    expect(records[2]).toMatchObject({ outcome: 'cached', inputTokens: 0, costUsd: 0, ledgerEntryId: records[1]!.ledgerEntryId })
    expect(records[4]).toMatchObject({ outcome: 'error', errorCode: 'BUDGET_EXCEEDED' })
    expect(JSON.stringify(records)).not.toContain('ann@example.com')
    for (let index = 1; index < records.length; index++) expect(records[index]!.prevHash).toBe(records[index - 1]!.hash)
    expect(await verifyAuditLog(store)).toMatchObject({ ok: true, records: 5 })
    expect((await tailAuditLog(store, 2)).map((record) => record.seq)).toEqual([3, 4])
  })

  it('catches an edited record', async () => {
    const store = await filledLog()
    store.records[2] = { ...(store.records[2] as AuditRecord), costUsd: 0.5 }
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 2, kind: 'edited' })
    await expect(assertAuditLog(store)).rejects.toMatchObject({ code: 'AUDIT_INVALID' })
  })

  it('catches an edited record whose own hash was recomputed (the chain breaks)', async () => {
    const store = await filledLog()
    const forged = { ...(store.records[1] as AuditRecord), outputTokens: 1 }
    store.records[1] = { ...forged, hash: auditHash(forged) }
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 2, kind: 'chain-broken' })
  })

  it('catches a removed record', async () => {
    const store = await filledLog()
    store.records.splice(1, 1)
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 1, kind: 'removed' })
  })

  it('catches reordered records', async () => {
    const store = await filledLog()
    ;[store.records[1], store.records[3]] = [store.records[3], store.records[1]]
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 1 })
    expect(['removed', 'reordered']).toContain((await verifyAuditLog(store)).kind)
    const swapped = await filledLog()
    ;[swapped.records[2], swapped.records[3]] = [swapped.records[3], swapped.records[2]]
    expect(await verifyAuditLog(swapped)).toMatchObject({ ok: false, firstBadIndex: 2, kind: 'removed' })
  })

  it('catches a cut-off tail through the separately kept head', async () => {
    const store = await filledLog()
    store.records.pop()
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 4, kind: 'truncated' })
  })

  it('continues the chain from the last record when the head lags behind it (crash between the two writes)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'livingdb-audit-'))
    try {
      const model = createFakeModel()
      const run = async (count: number) => {
        const stores = await openFileStores({ directory })
        const guarded = guardLanguageModel({ model, middleware: [createAuditGuard({ store: stores.audit })], context: { scope: 'test' } })
        for (let index = 0; index < count; index++) await guarded.doGenerate(ask(`call ${index}`))
        await stores.close()
      }
      await run(2)
      const first = JSON.parse((await readFile(join(directory, 'audit.jsonl'), 'utf8')).split('\n')[0]!) as AuditRecord
      await writeFile(join(directory, 'audit.jsonl.head.json'), JSON.stringify({ seq: 0, hash: first.hash }))
      await run(1)
      const stores = await openFileStores({ directory })
      expect(await verifyAuditLog(stores.audit)).toMatchObject({ ok: true, records: 3 })
      await stores.close()
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('with an HMAC key, a chain rebuilt without the key fails', async () => {
    const store = await filledLog({ hmacKey: 'audit-secret' })
    expect((await verifyAuditLog(store, { hmacKey: 'audit-secret' })).ok).toBe(true)
    expect(await verifyAuditLog(store)).toMatchObject({ ok: false, firstBadIndex: 0, kind: 'edited' })
  })
})
