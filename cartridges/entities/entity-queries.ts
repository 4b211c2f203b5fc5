import { z } from 'zod'
import { type CartridgeKeyspaceReader, defineCartridgeQuery, provenanceSchema } from '../spec/index.js'
import { entityKeys, nameKey } from './entity-keys.js'
import type { EntityRecord, MentionRecord, MergeRecord } from './entity-records.js'
import { EXTRACTED_ENTITY_TYPES } from './extraction-record.js'
import { findMatch } from './find-match.js'
import { normalizeName } from './normalize-name.js'

/** An entity as queries return it. */
export const entitySummarySchema = z.object({
  id: z.string(),
  type: z.string(),
  canonicalName: z.string(),
  aliases: z.array(z.string()),
  confidence: z.number(),
  mentions: z.number().int(),
})

const mergeSchema = z.object({
  name: z.string(),
  method: z.string(),
  score: z.number(),
  fromEntityId: z.string().nullable(),
  provenance: provenanceSchema,
  revertedBy: provenanceSchema.nullable(),
})

/** An entity summary from its stored record. */
export function summarizeEntity(entity: EntityRecord): z.infer<typeof entitySummarySchema> {
  return { id: entity.id, type: entity.type, canonicalName: entity.canonicalName, aliases: entity.names.map((name) => name.name).filter((name) => name !== entity.canonicalName), confidence: entity.confidence, mentions: entity.mentions }
}

/** Every mention of an entity (all its names), newest first. */
export function entityMentions(space: CartridgeKeyspaceReader, prefix: string, entity: EntityRecord, limit: number): (MentionRecord & { readonly entityName: string })[] {
  const keys = entityKeys(prefix)
  const found: (MentionRecord & { entityName: string })[] = []
  for (const name of entity.names) {
    for (const entry of space.scan({ prefix: keys.mentionPrefix(nameKey(entity.type, name.norm)) })) found.push({ ...(entry.value as unknown as MentionRecord), entityName: name.name })
  }
  found.sort((left, right) => right.txnId - left.txnId || (left.sourceKey < right.sourceKey ? -1 : left.sourceKey > right.sourceKey ? 1 : 0))
  return found.slice(0, limit)
}

/** The entities cartridge's query operations over `keyspace` (resolver keys under `prefix`). */
export function entityQueries(args: { readonly keyspace: string; readonly prefix: string; readonly fuzzyThreshold: number; readonly minFuzzyLength: number }) {
  const keys = entityKeys(args.prefix)
  const entityOf = (space: CartridgeKeyspaceReader, id: string): EntityRecord | undefined => space.get(keys.entity(id)) as EntityRecord | undefined
  const lookup = defineCartridgeQuery({
    name: 'lookup',
    description: 'Finds entities by name or alias: normalised exact match, then known variants (legal form, initials), then fuzzy (Jaro–Winkler) unless fuzzy is false.',
    input: z.object({ name: z.string().min(1).max(500), type: z.string().optional(), fuzzy: z.boolean().default(true), limit: z.number().int().min(1).max(100).default(10) }),
    output: z.array(entitySummarySchema.extend({ matchedBy: z.enum(['exact', 'alias', 'fuzzy']), score: z.number() })),
    run: ({ input, reader }) => {
      const space = reader.keyspace(args.keyspace)
      const norm = normalizeName(input.name)
      if (norm === '') return []
      const found = new Map<string, { entity: EntityRecord; matchedBy: 'exact' | 'alias' | 'fuzzy'; score: number }>()
      for (const type of input.type === undefined ? EXTRACTED_ENTITY_TYPES : [input.type]) {
        const match = findMatch({ space, keys, type, norm, threshold: input.fuzzy ? args.fuzzyThreshold : 1, minFuzzyLength: args.minFuzzyLength })
        const entity = match === undefined ? undefined : entityOf(space, match.entityId)
        if (match !== undefined && entity !== undefined && !found.has(entity.id)) found.set(entity.id, { entity, matchedBy: match.method, score: match.score })
      }
      return [...found.values()]
        .sort((left, right) => right.score - left.score || right.entity.mentions - left.entity.mentions || (left.entity.id < right.entity.id ? -1 : 1))
        .slice(0, input.limit)
        .map((hit) => ({ ...summarizeEntity(hit.entity), matchedBy: hit.matchedBy, score: hit.score }))
    },
  })
  const get = defineCartridgeQuery({
    name: 'get',
    description: 'One entity by id with all its names, its merge history (reverted merges included) and the provenance of the mention that founded it; null when unknown.',
    input: z.object({ id: z.string().min(1) }),
    output: entitySummarySchema.extend({ names: z.array(z.object({ name: z.string(), mentions: z.number().int() })), merges: z.array(mergeSchema), provenance: provenanceSchema }).nullable(),
    run: ({ input, reader }) => {
      const space = reader.keyspace(args.keyspace)
      const entity = entityOf(space, input.id)
      if (entity === undefined) return null
      const merges = [...space.scan({ prefix: keys.mergePrefix(entity.id) })].map((entry) => {
        const merge = entry.value as unknown as MergeRecord
        return { name: merge.name, method: merge.method, score: merge.score, fromEntityId: merge.fromEntityId, provenance: merge.provenance, revertedBy: merge.revertedBy }
      })
      return { ...summarizeEntity(entity), names: entity.names.map((name) => ({ name: name.name, mentions: name.mentions })), merges, provenance: entity.provenance }
    },
  })
  const listByType = defineCartridgeQuery({
    name: 'listByType',
    description: 'Entities of one type (person, organization, place, product, date, ticket, concept...) in id order; page with `after` (the last id of the previous page).',
    input: z.object({ type: z.string().min(1), limit: z.number().int().min(1).max(10_000).default(100), after: z.string().optional() }),
    output: z.array(entitySummarySchema),
    run: ({ input, reader }) => {
      const space = reader.keyspace(args.keyspace)
      const prefix = keys.typeIndexPrefix(input.type)
      const range = input.after === undefined ? { prefix } : { prefix, gt: keys.typeIndex(input.type, input.after) }
      const found: z.infer<typeof entitySummarySchema>[] = []
      for (const entry of space.scan({ ...range, limit: input.limit })) {
        const entity = entityOf(space, String(entry.value))
        if (entity !== undefined) found.push(summarizeEntity(entity))
      }
      return found
    },
  })
  const mentions = defineCartridgeQuery({
    name: 'mentions',
    description: 'The records that mention an entity (under any of its names), newest first, each with its source key, txn id and provenance.',
    input: z.object({ id: z.string().min(1), limit: z.number().int().min(1).max(10_000).default(100) }),
    output: z.array(z.object({ sourceKeyspace: z.string(), sourceKey: z.string(), txnId: z.number().int(), name: z.string(), confidence: z.number(), provenance: provenanceSchema })),
    run: ({ input, reader }) => {
      const space = reader.keyspace(args.keyspace)
      const entity = entityOf(space, input.id)
      if (entity === undefined) return []
      return entityMentions(space, args.prefix, entity, input.limit).map((mention) => ({ sourceKeyspace: mention.sourceKeyspace, sourceKey: mention.sourceKey, txnId: mention.txnId, name: mention.name, confidence: mention.confidence, provenance: mention.provenance }))
    },
  })
  return [lookup, get, listByType, mentions]
}
