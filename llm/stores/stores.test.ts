import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyAuditLog } from '../guards/audit-log.js'
import { auditHash, GENESIS_HASH } from '../guards/audit-record.js'
import { createMemoryStores } from './memory-stores.js'
import { openFileStores } from './open-file-stores.js'
import { FileCounterStore } from './file-counter-store.js'
import { JsonLinesFile } from './json-lines-file.js'
import { checkGuardStoreContract } from './test-support/store-contract.js'

const directories: string[] = []
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'livingdb-stores-'))
  directories.push(directory)
  return directory
}
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
})

function chained(count: number, start = 0, previous = GENESIS_HASH) {
  const records = []
  for (let seq = start; seq < start + count; seq++) {
    const body = { seq, prevHash: previous, outcome: 'ok', scope: 'test' }
    const record = { ...body, hash: auditHash(body) }
    records.push(record)
    previous = record.hash
  }
  return records
}

describe('guard stores', () => {
  it('memory stores satisfy the contract', async () => {
    await checkGuardStoreContract(createMemoryStores())
  })

  it('file stores satisfy the contract and survive reopening', async () => {
    const directory = await temporaryDirectory()
    const stores = await openFileStores({ directory })
    await checkGuardStoreContract(stores)
    await stores.close()
    const reopened = await openFileStores({ directory })
    expect(reopened.recovered).toEqual([])
    expect(await reopened.ledger.get('abc123')).toBe('{"text":"x"}')
    expect(await reopened.counters.entries()).toEqual([{ key: 'a', value: 3 }, { key: 'b', value: 1 }, { key: 'c', value: 294 }, { key: 'd', value: 42 }])
    expect((await reopened.audit.readAll()).records).toHaveLength(3)
    expect(await reopened.audit.readHead()).toEqual({ seq: 2, hash: 'h2' })
    await reopened.close()
  })

  it('ignores and reports a torn last line, then appends cleanly after it', async () => {
    const directory = await temporaryDirectory()
    const stores = await openFileStores({ directory })
    for (const record of chained(2)) await stores.audit.append(record)
    await stores.counters.adjust({ deltas: [{ key: 'k', amount: 4 }] })
    await stores.close()
    await appendFile(join(directory, 'audit.jsonl'), '{"seq":2,"prevHash":"ab')
    await appendFile(join(directory, 'counters.jsonl'), '{"add":[["k",')

    const reopened = await openFileStores({ directory })
    expect(reopened.recovered.map((entry) => entry.file)).toEqual([join(directory, 'counters.jsonl'), join(directory, 'audit.jsonl')])
    expect(await reopened.counters.entries()).toEqual([{ key: 'k', value: 4 }])
    const report = await verifyAuditLog(reopened.audit)
    expect(report).toMatchObject({ ok: true, records: 2, tornTail: { bytes: 23 } })
    const [, second] = chained(2)
    for (const record of chained(1, 2, second!.hash)) await reopened.audit.append(record)
    await reopened.counters.adjust({ deltas: [{ key: 'k', amount: 1 }] })
    await reopened.close()
    const again = await openFileStores({ directory })
    expect(await verifyAuditLog(again.audit)).toMatchObject({ ok: true, records: 3 })
    expect(await again.counters.entries()).toEqual([{ key: 'k', value: 5 }])
    await again.close()
  })

  it('detects a cut-off audit tail through the head file', async () => {
    const directory = await temporaryDirectory()
    const stores = await openFileStores({ directory })
    for (const record of chained(3)) await stores.audit.append(record)
    await stores.close()
    const path = join(directory, 'audit.jsonl')
    const lines = (await readFile(path, 'utf8')).split('\n')
    await truncate(path, Buffer.byteLength(lines.slice(0, 2).join('\n') + '\n'))
    const reopened = await openFileStores({ directory })
    expect(await verifyAuditLog(reopened.audit)).toMatchObject({ ok: false, kind: 'truncated', firstBadIndex: 2 })
    await reopened.close()
  })

  it('refuses a damaged line before the last one with GUARD_STORE_CORRUPT', async () => {
    const directory = await temporaryDirectory()
    const path = join(directory, 'counters.jsonl')
    await writeFile(path, '{"add":[["a",1]]}\n{"add":[["a",\n{"add":[["a",1]]}\n')
    await expect(FileCounterStore.open({ path })).rejects.toMatchObject({ code: 'GUARD_STORE_CORRUPT', details: { offset: 18 } })
    await writeFile(path, '{"nonsense":true}\n')
    await expect(FileCounterStore.open({ path })).rejects.toMatchObject({ code: 'GUARD_STORE_CORRUPT' })
  })

  it('opens an audit log with a damaged record and lets verification report it', async () => {
    const directory = await temporaryDirectory()
    const path = join(directory, 'audit.jsonl')
    const lines = chained(3).map((record) => JSON.stringify(record))
    lines[1] = lines[1]!.slice(0, 20) + '#' + lines[1]!.slice(21)
    await writeFile(path, lines.join('\n') + '\n')
    const stores = await openFileStores({ directory })
    expect(await verifyAuditLog(stores.audit)).toMatchObject({ ok: false, firstBadIndex: 1, kind: 'malformed' })
    await stores.close()
  })

  it('compacts a long counter log into one snapshot line while running and on open', async () => {
    const directory = await temporaryDirectory()
    const path = join(directory, 'counters.jsonl')
    const store = await FileCounterStore.open({ path })
    await Promise.all(Array.from({ length: 1_500 }, () => store.adjust({ deltas: [{ key: 'calls', amount: 1 }] })))
    await store.close()
    expect((await readFile(path, 'utf8')).trim().split('\n').length).toBeLessThan(1_000)
    await appendFile(path, '{"add":[["calls",-1500]]}\n'.repeat(1_100))
    await writeFile(path, (await readFile(path, 'utf8')) + '{"add":[["calls",1700]]}\n')
    const reopened = await FileCounterStore.open({ path })
    expect(await reopened.entries()).toEqual([{ key: 'calls', value: 1_500 - 1_100 * 1_500 + 1_700 }])
    await reopened.close()
    const { values, file } = await JsonLinesFile.open({ path })
    expect(values).toEqual([{ set: [['calls', 1_500 - 1_100 * 1_500 + 1_700]] }])
    await file.close()
  })

  it('rejects a ledger key that cannot be a file name', async () => {
    const stores = await openFileStores({ directory: await temporaryDirectory() })
    await expect(stores.ledger.put('../escape', 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await stores.close()
  })
})
