import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JsonSchema } from '../../spec/index.js'
import { analyzeWithSummary } from './analyze-text.js'
import { fillSchema } from './schema-filler.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 20261124)
const NOTE = 'Dana Whitfield approved the billing migration for Acme Corp on March 3rd. Acme acquired Beta Corp. See https://acme.io and OPS-12.'
const { analysis, summary } = analyzeWithSummary(NOTE, { summarySentences: 2 })

const PROPERTY_NAMES = ['entities', 'people', 'organizations', 'dates', 'topics', 'keywords', 'relationships', 'summary', 'title', 'language', 'count', 'entityCount', 'hasEntities', 'notes', 'value', 'items', 'name', 'type', 'subject', 'object', 'score', 'flag']

/** Random zod schemas built only from constraints a filler can always meet (no minItems, patterns or formats). */
const zodSchema: fc.Arbitrary<z.ZodType> = fc.letrec<{ schema: z.ZodType }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(z.string()),
    fc.integer({ min: 0, max: 20 }).chain((min) => fc.integer({ min, max: min + 50 }).map((max) => z.string().min(min).max(max))),
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 10 })).map(([min, span]) => z.number().min(min).max(min + span)),
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 10 })).map(([min, span]) => z.int().min(min).max(min + span)),
    fc.constant(z.boolean()),
    fc.uniqueArray(fc.constantFrom('person', 'organization', 'other', 'en', 'fr', 'high', 'low'), { minLength: 1, maxLength: 4 }).map((members) => z.enum(members as [string, ...string[]])),
    fc.constant(z.literal('fixed')),
    tie('schema').map((inner) => z.array(inner)),
    tie('schema').map((inner) => z.array(inner).max(2)),
    tie('schema').map((inner) => inner.nullable()),
    fc.uniqueArray(fc.tuple(fc.constantFrom(...PROPERTY_NAMES), tie('schema'), fc.boolean()), { maxLength: 5, selector: ([name]) => name })
      .map((fields) => z.object(Object.fromEntries(fields.map(([name, schema, optional]) => [name, optional ? schema.optional() : schema])))),
  ),
})).schema

describe('fillSchema', () => {
  it('produces a value that validates against any schema whose constraints can be met', () => {
    fc.assert(fc.property(zodSchema, (schema) => {
      const jsonSchema = z.toJSONSchema(schema) as JsonSchema
      const value = fillSchema(jsonSchema, { analysis, summary, text: NOTE })
      const parsed = schema.safeParse(value)
      expect(parsed.success, `${JSON.stringify(jsonSchema)}\n→ ${JSON.stringify(value)}\n${parsed.error?.message ?? ''}`).toBe(true)
    }), { seed: SEED, numRuns: 400 })
  })

  it('maps extracted items onto item schemas by field name', () => {
    const schema = z.object({
      people: z.array(z.string()),
      keywords: z.array(z.object({ keyword: z.string(), score: z.number() })).max(2),
      facts: z.array(z.object({ head: z.string(), relation: z.string(), tail: z.string() })),
      links: z.array(z.string()),
      entityCount: z.int(),
    })
    const value = schema.parse(fillSchema(z.toJSONSchema(schema) as JsonSchema, { analysis, summary, text: NOTE }))
    expect(value.people).toEqual(['Dana Whitfield'])
    expect(value.keywords).toHaveLength(2)
    expect(value.keywords[0].score).toBe(1)
    expect(value.facts).toContainEqual({ head: 'Acme', relation: 'acquire', tail: 'Beta Corp' })
    expect(value.links).toEqual(['https://acme.io'])
    expect(value.entityCount).toBe(analysis.entities.length)
  })
})
