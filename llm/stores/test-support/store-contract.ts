import { expect } from 'vitest'
import type { GuardStores } from '../store-types.js'

/**
 * The contract every guard-store implementation must meet, as assertions: run it
 * against a fresh, empty set of stores (memory, files, and later the database's).
 * Covers ledger get/put, all-or-nothing reserves that hold under 100 concurrent
 * callers, adjust and prefix listing, and audit append order plus head.
 *
 * @example
 * it('database stores meet the guard-store contract', async () => {
 *   await checkGuardStoreContract(await openDatabaseGuardStores(db))
 * })
 */
export async function checkGuardStoreContract(stores: GuardStores): Promise<void> {
  expect(await stores.ledger.get('abc123')).toBeUndefined()
  await stores.ledger.put('abc123', '{"text":"x"}')
  await stores.ledger.put('abc124', '{"text":"é ✓"}')
  expect(await stores.ledger.get('abc123')).toBe('{"text":"x"}')
  expect(await stores.ledger.get('abc124')).toBe('{"text":"é ✓"}')

  expect(await stores.counters.reserve({ charges: [{ key: 'a', amount: 5, limit: 10 }, { key: 'b', amount: 1 }] })).toEqual({ ok: true, totals: [5, 1] })
  expect(await stores.counters.reserve({ charges: [{ key: 'b', amount: 1 }, { key: 'a', amount: 6, limit: 10 }] })).toEqual({ ok: false, key: 'a', total: 5, amount: 6, limit: 10 })
  expect(await stores.counters.adjust({ deltas: [{ key: 'a', amount: -2 }] })).toEqual([3])
  expect(await stores.counters.entries({ prefix: 'a' })).toEqual([{ key: 'a', value: 3 }])
  expect(await stores.counters.entries()).toEqual([{ key: 'a', value: 3 }, { key: 'b', value: 1 }]) // the refused reserve added nothing

  // 100 concurrent reserves of 7 against a limit of 300: exactly 42 succeed, never more.
  const results = await Promise.all(Array.from({ length: 100 }, () => stores.counters.reserve({ charges: [{ key: 'c', amount: 7, limit: 300 }, { key: 'd', amount: 1 }] })))
  expect(results.filter((result) => result.ok)).toHaveLength(42)
  expect(await stores.counters.entries({ prefix: 'c' })).toEqual([{ key: 'c', value: 294 }])
  expect(await stores.counters.entries({ prefix: 'd' })).toEqual([{ key: 'd', value: 42 }])

  expect(await stores.audit.readHead()).toBeUndefined()
  await Promise.all([0, 1, 2].map((seq) => stores.audit.append({ seq, hash: `h${seq}`, prevHash: seq === 0 ? 'genesis' : `h${seq - 1}` })))
  expect((await stores.audit.readAll()).records.map((record) => (record as { seq: number }).seq)).toEqual([0, 1, 2])
  expect(await stores.audit.readHead()).toEqual({ seq: 2, hash: 'h2' })
}
