import { z } from 'zod'
import { embedText } from '../../llm/index.js'
import type { Cartridge } from '../../cartridges/spec/index.js'
import type { CartridgeRole } from '../catalog/catalog-types.js'
import type { ExecutionContext } from './execution-context.js'

/** A record key a cartridge query returned, with a score (higher is better). */
export interface CartridgeHit {
  readonly key: string
  readonly score: number
  readonly keyspace?: string
}

/** Mentions read per entity: the newest ones (the entities cartridge lists them newest first). */
const MAX_MENTIONS = 25

/** Query names tried, in order, per role: the first one the cartridge has is used. */
const QUERY_NAMES: Partial<Record<CartridgeRole, readonly string[]>> = {
  vectors: ['searchText', 'similarText', 'search', 'nearest', 'knn', 'query'],
  entities: ['lookup', 'resolve', 'find', 'search', 'mentions'],
}

type JsonSchemaObject = { readonly properties?: Record<string, { readonly type?: unknown }>; readonly required?: readonly string[] }

const schemas = new WeakMap<object, JsonSchemaObject>()

/** The JSON Schema of a query's input (converted once per operation: conversion is slow). */
function schemaOf(cartridge: Cartridge, name: string): JsonSchemaObject {
  const query = cartridge.queries.find((item) => item.name === name)!
  let schema = schemas.get(query)
  if (schema === undefined) {
    try {
      schema = z.toJSONSchema(query.input, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject
    } catch {
      schema = {}
    }
    schemas.set(query, schema)
  }
  return schema
}

function dimensionsOf(cartridge: Cartridge): number | undefined {
  const fingerprint = cartridge.fingerprint as Record<string, unknown> | undefined
  const value = fingerprint?.dimensions ?? fingerprint?.dimension
  return typeof value === 'number' ? value : undefined
}

/** Builds the query input from the properties the operation's input schema declares. */
function buildInput(cartridge: Cartridge, name: string, args: { readonly text: string; readonly limit: number; readonly prefix?: string }): Record<string, unknown> | undefined {
  const properties = schemaOf(cartridge, name).properties ?? {}
  const input: Record<string, unknown> = {}
  const textField = ['text', 'query', 'name', 'q'].find((field) => field in properties)
  const vectorField = ['vector', 'embedding', 'queryVector'].find((field) => field in properties)
  if (textField !== undefined) input[textField] = args.text
  else if (vectorField !== undefined) {
    const dimensions = dimensionsOf(cartridge)
    if (dimensions === undefined) return undefined
    input[vectorField] = embedText(args.text, dimensions)
  } else return undefined
  const limitField = ['limit', 'k', 'topK'].find((field) => field in properties)
  if (limitField !== undefined) input[limitField] = args.limit
  if (args.prefix !== undefined && 'prefix' in properties) input.prefix = args.prefix
  return input
}

function numberOf(item: Record<string, unknown>): number {
  for (const field of ['score', 'similarity', 'confidence', 'weight']) if (typeof item[field] === 'number') return item[field] as number
  if (typeof item.distance === 'number') return 1 / (1 + (item.distance as number))
  return 1
}

function keyOf(item: Record<string, unknown>): string | undefined {
  for (const field of ['sourceKey', 'recordKey', 'key', 'source']) if (typeof item[field] === 'string') return item[field] as string
  return undefined
}

/** Turns a query's output into hits: `[{ key, score }]`, or entities with `mentions: [{ sourceKey }]`. */
export function hitsFromOutput(output: unknown): CartridgeHit[] {
  const listed = (output as { results?: unknown; hits?: unknown } | null | undefined)
  const items = Array.isArray(output) ? output : Array.isArray(listed?.hits) ? (listed!.hits as unknown[]) : Array.isArray(listed?.results) ? (listed!.results as unknown[]) : output === null || output === undefined ? [] : [output]
  const hits: CartridgeHit[] = []
  for (const raw of items) {
    if (typeof raw !== 'object' || raw === null) continue
    const item = raw as Record<string, unknown>
    const score = numberOf(item)
    const mentions = Array.isArray(item.mentions) ? item.mentions : Array.isArray((item.entity as Record<string, unknown> | undefined)?.mentions) ? ((item.entity as Record<string, unknown>).mentions as unknown[]) : undefined
    if (mentions !== undefined) {
      for (const mention of mentions) {
        const key = typeof mention === 'string' ? mention : typeof mention === 'object' && mention !== null ? keyOf(mention as Record<string, unknown>) : undefined
        if (key !== undefined) hits.push({ key, score })
      }
      continue
    }
    const key = keyOf(item)
    const keyspace = typeof item.sourceKeyspace === 'string' ? item.sourceKeyspace : typeof item.keyspace === 'string' ? item.keyspace : undefined
    if (key !== undefined) hits.push({ key, score, ...(keyspace === undefined ? {} : { keyspace }) })
  }
  return hits
}

/**
 * Asks a vectors or entities cartridge for the records matching a text, adapting to its
 * query operation's declared input (text or vector, limit, prefix) and output shapes.
 * Undefined (with a warning) when the cartridge has no operation this can call.
 */
export function searchCartridgeHits(context: ExecutionContext, cartridge: Cartridge, role: CartridgeRole, args: { readonly text: string; readonly limit: number; readonly prefix?: string | undefined; readonly fuzzy?: boolean }): CartridgeHit[] | undefined {
  if (role === 'entities' && context.queryName(cartridge, ['lookup']) !== undefined && context.queryName(cartridge, ['mentions']) !== undefined) return entityMentionHits(context, cartridge, args)
  const name = context.queryName(cartridge, QUERY_NAMES[role] ?? [])
  const input = name === undefined ? undefined : buildInput(cartridge, name, { text: args.text, limit: args.limit, ...(args.prefix === undefined ? {} : { prefix: args.prefix }) })
  if (name === undefined || input === undefined) {
    context.warn('QUERY_CARTRIDGE_UNUSABLE', `Cartridge "${cartridge.name}" has no query the ${role} step can call (looked for ${(QUERY_NAMES[role] ?? []).join(', ')} taking a text or vector): the step used its fallback.`)
    return undefined
  }
  const hits = hitsFromOutput(context.query(cartridge, name, input))
  return args.prefix === undefined ? hits : hits.filter((hit) => hit.key.startsWith(args.prefix!))
}

/**
 * The records that mention the entities a name resolves to, through an entities
 * cartridge's `lookup` (name → entity ids with a match score) and `mentions` (entity id →
 * source records). Each record scores its entity's match score times the mention's confidence.
 */
function entityMentionHits(context: ExecutionContext, cartridge: Cartridge, args: { readonly text: string; readonly limit: number; readonly prefix?: string | undefined; readonly fuzzy?: boolean }): CartridgeHit[] {
  const fuzzy = args.fuzzy === false && 'fuzzy' in (schemaOf(cartridge, 'lookup').properties ?? {}) ? { fuzzy: false } : {}
  const entities = context.query(cartridge, 'lookup', { name: args.text, limit: 3, ...fuzzy }) as { id: string; score?: number }[]
  const best = new Map<string, CartridgeHit>()
  for (const entity of entities) {
    const mentions = context.query(cartridge, 'mentions', { id: entity.id, limit: Math.min(args.limit, MAX_MENTIONS) }) as { sourceKeyspace: string; sourceKey: string; confidence?: number }[]
    for (const mention of mentions) {
      if (args.prefix !== undefined && !mention.sourceKey.startsWith(args.prefix)) continue
      const score = (entity.score ?? 1) * (mention.confidence ?? 1)
      const id = `${mention.sourceKeyspace}\u0000${mention.sourceKey}`
      const existing = best.get(id)
      if (existing === undefined || existing.score < score) best.set(id, { key: mention.sourceKey, keyspace: mention.sourceKeyspace, score })
    }
  }
  return [...best.values()].sort((left, right) => right.score - left.score || (left.key < right.key ? -1 : 1)).slice(0, args.limit)
}

/**
 * The records that state relationships of the entity a name resolves to, through a
 * relationships cartridge's `lookup` (name → entity ids) and `neighbours` (edges valid
 * at the snapshot, each with the provenance of the record that stated it). Each record
 * scores half its edge's confidence.
 */
export function relationshipHits(context: ExecutionContext, cartridge: Cartridge, args: { readonly text: string; readonly limit: number; readonly fuzzy: boolean }): CartridgeHit[] | undefined {
  if (context.queryName(cartridge, ['lookup']) === undefined || context.queryName(cartridge, ['neighbours', 'neighbors']) === undefined) return undefined
  const fuzzy = !args.fuzzy && 'fuzzy' in (schemaOf(cartridge, 'lookup').properties ?? {}) ? { fuzzy: false } : {}
  const entities = context.query(cartridge, 'lookup', { name: args.text, limit: 2, ...fuzzy }) as { id: string }[]
  const neighboursName = context.queryName(cartridge, ['neighbours', 'neighbors'])!
  const best = new Map<string, CartridgeHit>()
  for (const entity of entities) {
    const edges = context.query(cartridge, neighboursName, { entityId: entity.id, limit: Math.min(args.limit, MAX_MENTIONS) }) as { edge: { confidence: number; provenance: { sourceKeyspace: string; sourceKey: string } } }[]
    for (const { edge } of edges) {
      const id = `${edge.provenance.sourceKeyspace}\u0000${edge.provenance.sourceKey}`
      const score = edge.confidence / 2
      const existing = best.get(id)
      if (existing === undefined || existing.score < score) best.set(id, { key: edge.provenance.sourceKey, keyspace: edge.provenance.sourceKeyspace, score })
    }
  }
  return [...best.values()].sort((left, right) => right.score - left.score || (left.key < right.key ? -1 : 1)).slice(0, args.limit)
}
