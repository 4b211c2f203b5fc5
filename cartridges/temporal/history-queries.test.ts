import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { attachCartridges } from '../spec/index.js'
import type { HistoryVersion } from './apply-history.js'
import { createHistoryCartridge } from './create-history-cartridge.js'

async function setup() {
  const db = await open({ durability: 'none' })
  const attached = await attachCartridges({ db, cartridges: [createHistoryCartridge({ source: { prefix: 'customers/' }, entityField: 'account.id' })] })
  const txn: Record<string, number> = {}
  txn.create = (await db.put('customers/1', { name: 'Ada', account: { id: 'acme' } })).txnId
  txn.other = (await db.put('customers/2', { name: 'Bo', account: { id: 'acme' } })).txnId
  txn.rename = (await db.put('customers/1', { name: 'Ada L.', account: { id: 'acme' } })).txnId
  txn.move = (await db.put('customers/1', { name: 'Ada L.', account: { id: 'globex' } })).txnId
  txn.remove = (await db.delete('customers/1')).txnId
  txn.ignored = (await db.put('orders/1', { account: { id: 'acme' } })).txnId
  await attached.idle()
  const query = (operation: string, input: unknown) => attached.query('history', operation, input)
  return { db, attached, txn, query }
}

describe('history queries', () => {
  it('versions per key, oldest first (or newest first), with values and provenance', async () => {
    const { db, attached, txn, query } = await setup()
    const versions = query('versions', { key: 'customers/1' }) as HistoryVersion[]
    expect(versions.map((version) => [version.txnId, version.type, version.entity])).toEqual([
      [txn.create, 'put', 'acme'],
      [txn.rename, 'put', 'acme'],
      [txn.move, 'put', 'globex'],
      [txn.remove, 'delete', 'globex'],
    ])
    expect(versions[1]!.value).toEqual({ name: 'Ada L.', account: { id: 'acme' } })
    expect(versions[0]!.provenance).toEqual({ sourceKeyspace: 'default', sourceKey: 'customers/1', txnId: txn.create, plugin: 'history@1.0.0', ledgerEntryId: null })
    expect((query('versions', { key: 'customers/1', reverse: true, limit: 1 }) as HistoryVersion[])[0]!.txnId).toBe(txn.remove)
    expect(query('versions', { key: 'orders/1' })).toEqual([])
    await attached.close()
    await db.close()
  })

  it('asOf a txn id or a commit time, including before creation and after deletion', async () => {
    const { db, attached, txn, query } = await setup()
    expect(query('asOf', { key: 'customers/1', txnId: txn.create - 1 })).toEqual({ exists: false, version: null })
    expect(query('asOf', { key: 'customers/1', txnId: txn.other })).toMatchObject({ exists: true, version: { txnId: txn.create, value: { name: 'Ada' } } })
    expect(query('asOf', { key: 'customers/1', txnId: txn.rename })).toMatchObject({ exists: true, version: { value: { name: 'Ada L.' } } })
    expect(query('asOf', { key: 'customers/1', txnId: txn.remove + 10 })).toMatchObject({ exists: false, version: { type: 'delete' } })
    const versions = query('versions', { key: 'customers/1' }) as HistoryVersion[]
    const renamedAt = versions[1]!.timestamp
    const byTime = query('asOf', { key: 'customers/1', time: renamedAt }) as { version: HistoryVersion }
    // Several commits can share a millisecond: as of a time is the last version committed at or before it.
    expect(byTime.version.timestamp).toBeLessThanOrEqual(renamedAt)
    expect(byTime.version.txnId).toBeGreaterThanOrEqual(txn.rename)
    expect(query('asOf', { key: 'customers/1', time: versions[0]!.timestamp - 1 })).toEqual({ exists: false, version: null })
    const invalid = (() => {
      try {
        query('asOf', { key: 'customers/1', txnId: 1, time: 1 })
      } catch (error) {
        return error
      }
    })()
    expect(invalid).toMatchObject({ code: 'CARTRIDGE_QUERY_INVALID' })
    await attached.close()
    await db.close()
  })

  it('between txn ids or times, and versions per entity across keys', async () => {
    const { db, attached, txn, query } = await setup()
    const middle = query('between', { key: 'customers/1', from: txn.other, to: txn.move }) as HistoryVersion[]
    expect(middle.map((version) => version.txnId)).toEqual([txn.rename, txn.move])
    const all = query('versions', { key: 'customers/1' }) as HistoryVersion[]
    const byTime = query('between', { key: 'customers/1', from: all[0]!.timestamp, to: all.at(-1)!.timestamp, by: 'time' }) as HistoryVersion[]
    expect(byTime.map((version) => version.txnId)).toEqual(all.map((version) => version.txnId))
    expect(query('between', { key: 'customers/1', from: 10, to: 5 })).toEqual([])
    const acme = query('versions', { entity: 'acme' }) as HistoryVersion[]
    expect(acme.map((version) => [version.key, version.txnId])).toEqual([
      ['customers/1', txn.create],
      ['customers/2', txn.other],
      ['customers/1', txn.rename],
    ])
    const globex = query('versions', { entity: 'globex' }) as HistoryVersion[]
    expect(globex.map((version) => version.type)).toEqual(['put', 'delete'])
    expect(query('asOf', { entity: 'acme', txnId: txn.other })).toMatchObject({ exists: true, version: { key: 'customers/2' } })
    expect(attached.get('history').stats()).toEqual({ keys: 2, versions: 5, entityField: 'account.id' })
    await attached.close()
    await db.close()
  })
})
