import { z } from 'zod'
import { type CartridgeKeyspaceReader, defineCartridgeQuery, provenanceSchema } from '../spec/index.js'
import type { HistoryVersion } from './apply-history.js'
import { historyKeys } from './temporal-keys.js'

const versionSchema = z.object({
  key: z.string(),
  txnId: z.number().int(),
  timestamp: z.number(),
  type: z.enum(['put', 'delete']),
  value: z.unknown().optional(),
  entity: z.string().nullable(),
  provenance: provenanceSchema,
})
const selector = {
  key: z.string().min(1).optional(),
  entity: z.string().min(1).optional(),
}
const oneSelector = (input: { key?: string; entity?: string }): boolean => (input.key === undefined) !== (input.entity === undefined)
const selectorMessage = { message: 'give exactly one of key or entity' }
const nonNegative = z.number().int().min(0)

type Selector = { readonly key?: string; readonly entity?: string }

function versionAt(space: CartridgeKeyspaceReader, key: string, txnId: number): HistoryVersion {
  return space.get(historyKeys.version(key, txnId)) as unknown as HistoryVersion
}

/** Versions in key order within [lower, upper) of the txn or time index of a key or entity. */
function* versionsIn(space: CartridgeKeyspaceReader, selected: Selector, by: 'txn' | 'time', lower: number, upper: number, reverse: boolean, limit?: number): Generator<HistoryVersion> {
  const byKey = selected.key !== undefined
  const id = (selected.key ?? selected.entity)!
  const prefix = byKey ? (by === 'txn' ? historyKeys.versionPrefix(id) : historyKeys.timePrefix(id)) : by === 'txn' ? historyKeys.entityPrefix(id) : historyKeys.entityTimePrefix(id)
  const part = by === 'txn' ? historyKeys.txnPart : historyKeys.timePart
  const range = { prefix, gte: prefix + part(lower), ...(Number.isFinite(upper) ? { lt: prefix + part(upper) } : {}), reverse, limit }
  for (const entry of space.scan(range)) {
    if (byKey && by === 'txn') yield entry.value as unknown as HistoryVersion
    else if (byKey) yield versionAt(space, id, entry.value as number)
    else {
      const pointer = entry.value as { key: string; txnId: number }
      yield versionAt(space, pointer.key, pointer.txnId)
    }
  }
}

/** The query operations of a history cartridge over `keyspace`. */
export function historyQueries(keyspace: string) {
  const versions = defineCartridgeQuery({
    name: 'versions',
    description: 'Every recorded version of a key (or of all records of an entity), oldest first unless reverse.',
    input: z.object({ ...selector, limit: z.number().int().min(1).max(100_000).optional(), reverse: z.boolean().default(false) }).refine(oneSelector, selectorMessage),
    output: z.array(versionSchema),
    run: ({ input, reader }) => [...versionsIn(reader.keyspace(keyspace), input, 'txn', 0, Infinity, input.reverse, input.limit)],
  })
  const asOf = defineCartridgeQuery({
    name: 'asOf',
    description: 'The version of a key (or the latest version of any record of an entity) as of a txn id or a commit time (ms). exists is false when it was deleted or not yet written.',
    input: z
      .object({ ...selector, txnId: nonNegative.optional(), time: nonNegative.optional() })
      .refine(oneSelector, selectorMessage)
      .refine((input) => (input.txnId === undefined) !== (input.time === undefined), { message: 'give exactly one of txnId or time' }),
    output: z.object({ exists: z.boolean(), version: versionSchema.nullable() }),
    run: ({ input, reader }) => {
      const by = input.txnId === undefined ? 'time' : 'txn'
      const point = (input.txnId ?? input.time)!
      const [version] = versionsIn(reader.keyspace(keyspace), input, by, 0, point + 1, true, 1)
      return { exists: version?.type === 'put', version: version ?? null }
    },
  })
  const between = defineCartridgeQuery({
    name: 'between',
    description: 'Versions of a key (or entity) with from <= txn id <= to (by: "txn", default) or from <= commit time <= to (by: "time").',
    input: z.object({ ...selector, from: nonNegative, to: nonNegative, by: z.enum(['txn', 'time']).default('txn'), limit: z.number().int().min(1).max(100_000).optional() }).refine(oneSelector, selectorMessage),
    output: z.array(versionSchema),
    run: ({ input, reader }) => (input.to < input.from ? [] : [...versionsIn(reader.keyspace(keyspace), input, input.by, input.from, input.to + 1, false, input.limit)]),
  })
  return [versions, asOf, between] as const
}
