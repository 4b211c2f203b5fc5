import type { Predicate, PlanScalar } from '../plan/plan-node.js'

/** The value at a dotted path of a record value (undefined when absent). */
export function readField(value: unknown, path: string): unknown {
  let current = value
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || current instanceof Uint8Array) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function equal(left: unknown, right: PlanScalar): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left.toLowerCase() === right.toLowerCase()
  return left === right
}

function compare(left: unknown, right: number | string): number | undefined {
  if (typeof left === 'number' && typeof right === 'number') return left - right
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0
  return undefined
}

function matchesOne(field: unknown, predicate: Predicate): boolean {
  switch (predicate.op) {
    case 'eq':
      return equal(field, predicate.value)
    case 'in':
      return predicate.values.some((value) => equal(field, value))
    case 'contains':
      return typeof field === 'string' && field.toLowerCase().includes(predicate.value.toLowerCase())
    case 'range': {
      const checks: [number | string | undefined, (order: number) => boolean][] = [
        [predicate.gte, (order) => order >= 0],
        [predicate.gt, (order) => order > 0],
        [predicate.lte, (order) => order <= 0],
        [predicate.lt, (order) => order < 0],
      ]
      return checks.every(([bound, test]) => {
        if (bound === undefined) return true
        const order = compare(field, bound)
        return order !== undefined && test(order)
      })
    }
    case 'exists':
      return (field !== undefined && field !== null) === predicate.exists
  }
}

/** The pseudo-field that names the record's key (`{ op: 'range', field: '$key', gte: 'tasks/', lt: 'tasks0' }`). */
export const KEY_FIELD = '$key'

/** True when the record satisfies the predicate; an array field matches when any element does. */
export function matchesPredicate(record: { readonly key: string; readonly value?: unknown }, predicate: Predicate): boolean {
  const field = predicate.field === KEY_FIELD ? record.key : readField(record.value, predicate.field)
  if (predicate.op === 'exists') return matchesOne(Array.isArray(field) && field.length === 0 ? undefined : field, predicate)
  if (Array.isArray(field)) return field.some((item) => matchesOne(item, predicate))
  return matchesOne(field, predicate)
}
