import { z } from 'zod'
import { readJsonPath } from '../spec/index.js'

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const bound = z.union([z.number(), z.string()])

/** One test on one field; every operator given must hold. */
export const vectorConditionSchema = z
  .object({
    field: z.string().min(1).describe('A metadata JSON path (`team`, `meta.owner`), or `$key` for the record key.'),
    eq: scalar.optional(),
    ne: scalar.optional(),
    in: z.array(scalar).max(10_000).optional(),
    nin: z.array(scalar).max(10_000).optional(),
    gt: bound.optional(),
    gte: bound.optional(),
    lt: bound.optional(),
    lte: bound.optional(),
    exists: z.boolean().optional(),
    prefix: z.string().optional(),
    contains: scalar.optional().describe('The field is an array holding this value.'),
  })
  .strict()

/** A test on one field (see {@link vectorConditionSchema}). */
export type VectorCondition = z.infer<typeof vectorConditionSchema>

/** A metadata filter: a condition, or `and` / `or` / `not` of filters. */
export type VectorFilter = VectorCondition | { readonly and: readonly VectorFilter[] } | { readonly or: readonly VectorFilter[] } | { readonly not: VectorFilter }

/**
 * The filter schema (recursive).
 *
 * @example
 * { and: [{ field: 'team', eq: 'billing' }, { field: 'year', gte: 2024 }, { not: { field: '$key', prefix: 'notes/draft/' } }] }
 */
export const vectorFilterSchema: z.ZodType<VectorFilter> = z.lazy(() =>
  z.union([
    vectorConditionSchema,
    z.object({ and: z.array(vectorFilterSchema).min(1).max(64) }).strict(),
    z.object({ or: z.array(vectorFilterSchema).min(1).max(64) }).strict(),
    z.object({ not: vectorFilterSchema }).strict(),
  ]),
)

/** A compiled filter: true when a record (its key and metadata) matches. */
export type VectorPredicate = (key: string, metadata: unknown) => boolean

function compare(value: unknown, limit: number | string): number | undefined {
  if (typeof value === 'number' && typeof limit === 'number') return value - limit
  if (typeof value === 'string' && typeof limit === 'string') return value < limit ? -1 : value > limit ? 1 : 0
  return undefined
}

function compileCondition(condition: VectorCondition): VectorPredicate {
  const path = condition.field
  const read = path === '$key' ? (key: string) => key : (_key: string, metadata: unknown) => (path in ((metadata ?? {}) as object) ? (metadata as Record<string, unknown>)[path] : readJsonPath(metadata, path))
  const included = condition.in === undefined ? undefined : new Set<unknown>(condition.in)
  const excluded = condition.nin === undefined ? undefined : new Set<unknown>(condition.nin)
  return (key, metadata) => {
    const value = read(key, metadata)
    if (condition.exists !== undefined && (value !== undefined) !== condition.exists) return false
    if (condition.eq !== undefined && value !== condition.eq) return false
    if (condition.ne !== undefined && value === condition.ne) return false
    if (included !== undefined && !included.has(value)) return false
    if (excluded !== undefined && excluded.has(value)) return false
    if (condition.prefix !== undefined && !(typeof value === 'string' && value.startsWith(condition.prefix))) return false
    if (condition.contains !== undefined && !(Array.isArray(value) && value.includes(condition.contains))) return false
    for (const [limit, test] of [
      [condition.gt, (difference: number) => difference > 0],
      [condition.gte, (difference: number) => difference >= 0],
      [condition.lt, (difference: number) => difference < 0],
      [condition.lte, (difference: number) => difference <= 0],
    ] as const) {
      if (limit === undefined) continue
      const difference = compare(value, limit)
      if (difference === undefined || !test(difference)) return false
    }
    return true
  }
}

/** Compiles a filter into a predicate over (key, metadata). */
export function compileVectorFilter(filter: VectorFilter): VectorPredicate {
  if ('and' in filter) {
    const parts = filter.and.map(compileVectorFilter)
    return (key, metadata) => parts.every((part) => part(key, metadata))
  }
  if ('or' in filter) {
    const parts = filter.or.map(compileVectorFilter)
    return (key, metadata) => parts.some((part) => part(key, metadata))
  }
  if ('not' in filter) {
    const inner = compileVectorFilter(filter.not)
    return (key, metadata) => !inner(key, metadata)
  }
  return compileCondition(filter)
}
