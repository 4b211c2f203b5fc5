import type { CounterCharge, CounterEntry, CounterReservation } from './store-types.js'

/**
 * The synchronous core shared by the in-process counter stores: check every charge
 * against its limit and add all of them, or none. Running it without an `await`
 * in between is what makes a reservation atomic in JavaScript's single thread.
 */
export function reserveInMap(values: Map<string, number>, charges: readonly CounterCharge[]): CounterReservation {
  for (const charge of charges) {
    if (charge.limit === undefined) continue
    const total = values.get(charge.key) ?? 0
    // A tiny tolerance keeps float money sums (0.1 + 0.2) from refusing an exact fit.
    if (total + charge.amount > charge.limit + 1e-9) {
      return { ok: false, key: charge.key, total, amount: charge.amount, limit: charge.limit }
    }
  }
  const totals: number[] = []
  for (const charge of charges) {
    const total = (values.get(charge.key) ?? 0) + charge.amount
    values.set(charge.key, total)
    totals.push(total)
  }
  return { ok: true, totals }
}

/** Adds every delta unconditionally and returns the new totals. */
export function adjustInMap(values: Map<string, number>, deltas: readonly { readonly key: string; readonly amount: number }[]): number[] {
  const totals: number[] = []
  for (const delta of deltas) {
    const total = (values.get(delta.key) ?? 0) + delta.amount
    values.set(delta.key, total)
    totals.push(total)
  }
  return totals
}

/** Counters whose key starts with `prefix`, sorted by key. */
export function listMap(values: ReadonlyMap<string, number>, prefix = ''): CounterEntry[] {
  const entries: CounterEntry[] = []
  for (const [key, value] of values) if (key.startsWith(prefix)) entries.push({ key, value })
  return entries.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
}
