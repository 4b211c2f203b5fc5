import { z } from 'zod'
import type { Plan, PlanNode, Predicate } from './plan-node.js'

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const field = z.string().min(1).max(200).describe('A dotted field path into the record value, e.g. "status" or "owner.name".')
const bound = z.union([z.number(), z.string()])
const limit = (fallback: number) => z.number().int().min(1).max(10_000).default(fallback)
const keyspace = z.string().min(1).max(200).default('default')

/** zod schema of a {@link Predicate}. */
export const predicateSchema: z.ZodType<Predicate> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('eq'), field, value: scalar }).strict(),
  z.object({ op: z.literal('in'), field, values: z.array(scalar).min(1).max(1_000) }).strict(),
  z
    .object({ op: z.literal('range'), field, gte: bound.optional(), gt: bound.optional(), lte: bound.optional(), lt: bound.optional() })
    .strict()
    .refine((value) => [value.gte, value.gt, value.lte, value.lt].some((item) => item !== undefined), { message: 'a range needs at least one of gte, gt, lte, lt' }),
  z.object({ op: z.literal('contains'), field, value: z.string().min(1).max(1_000) }).strict(),
  z.object({ op: z.literal('exists'), field, exists: z.boolean().default(true) }).strict(),
]) as unknown as z.ZodType<Predicate>

/**
 * zod schema of any {@link PlanNode} (recursive). Parsing applies the defaults
 * (`keyspace: 'default'`, limits, `k: 60`...). `z.toJSONSchema(planNodeSchema)` is what
 * the model planner sends as its tool's input schema.
 */
export const planNodeSchema: z.ZodType<PlanNode> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('get'), keyspace, keys: z.array(z.string().min(1)).min(1).max(1_000) }).strict(),
    z
      .object({
        kind: z.literal('scan'),
        keyspace,
        prefix: z.string().max(1_000).optional(),
        range: z.object({ gte: z.string().optional(), gt: z.string().optional(), lte: z.string().optional(), lt: z.string().optional() }).strict().optional(),
        limit: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
    z.object({ kind: z.literal('filter'), input: planNodeSchema, where: z.array(predicateSchema).min(1).max(32) }).strict(),
    z.object({ kind: z.literal('topicSearch'), query: z.string().min(1).max(2_000), cartridge: z.string().optional(), prefix: z.string().optional(), limit: limit(50) }).strict(),
    z.object({ kind: z.literal('entityLookup'), name: z.string().min(1).max(200), entityPrefix: z.string().optional(), cartridge: z.string().optional(), limit: limit(50) }).strict(),
    z
      .object({
        kind: z.literal('traverse'),
        input: planNodeSchema,
        relation: z.string().min(1).optional(),
        direction: z.enum(['out', 'in', 'both']).default('both'),
        depth: z.number().int().min(1).max(3).default(1),
        cartridge: z.string().optional(),
        includeInput: z.boolean().default(true),
        limit: limit(50),
      })
      .strict(),
    z.object({ kind: z.literal('vectorSearch'), text: z.string().min(1).max(4_000), cartridge: z.string().optional(), prefix: z.string().optional(), limit: limit(50) }).strict(),
    z
      .object({ kind: z.literal('fuse'), inputs: z.array(planNodeSchema).min(1).max(8), k: z.number().positive().max(10_000).default(60), weights: z.array(z.number().min(0)).optional() })
      .strict()
      .refine((value) => value.weights === undefined || value.weights.length === value.inputs.length, { message: 'weights needs one number per input' }),
    z
      .object({ kind: z.literal('asOf'), input: planNodeSchema, txnId: z.number().int().min(0).optional(), time: z.string().optional() })
      .strict()
      .refine((value) => (value.txnId === undefined) !== (value.time === undefined), { message: 'asOf needs exactly one of txnId or time' }),
    z.object({ kind: z.literal('between'), input: planNodeSchema, by: z.enum(['txn', 'time']), from: bound, to: bound }).strict(),
    z
      .object({
        kind: z.literal('aggregate'),
        input: planNodeSchema,
        groupBy: field.optional(),
        metrics: z
          .array(z.object({ op: z.enum(['count', 'min', 'max', 'avg', 'sum']), field: field.optional() }).strict())
          .min(1)
          .max(8)
          .default([{ op: 'count' }]),
      })
      .strict(),
    z.object({ kind: z.literal('sort'), input: planNodeSchema, by: z.string().min(1).default('score'), direction: z.enum(['asc', 'desc']).default('desc') }).strict(),
    z.object({ kind: z.literal('limit'), input: planNodeSchema, count: z.number().int().min(0).max(10_000), offset: z.number().int().min(0).default(0) }).strict(),
    z.object({ kind: z.literal('answer'), input: planNodeSchema, mode: z.enum(['auto', 'extractive', 'model']).default('auto'), maxSentences: z.number().int().min(1).max(20).default(3) }).strict(),
  ]),
) as unknown as z.ZodType<PlanNode>

/** zod schema of a whole {@link Plan}. */
export const planSchema: z.ZodType<Plan> = z
  .object({
    version: z.literal(1).default(1),
    root: planNodeSchema,
    question: z.string().optional(),
    planner: z.string().optional(),
  })
  .strict() as unknown as z.ZodType<Plan>
