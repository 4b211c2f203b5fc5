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

/** Query names tried, in order, per role: the first one the cartridge has is used. */
const QUERY_NAMES: Partial<Record<CartridgeRole, readonly string[]>> = {
  vectors: ['searchText', 'similarText', 'search', 'nearest', 'knn', 'query'],
  entities: ['lookup', 'resolve', 'find', 'search', 'mentions'],
}

type JsonSchemaObject = { readonly properties?: Record<string, { readonly type?: unknown }>; readonly required?: readonly string[] }

function schemaOf(cartridge: Cartridge, name: string): JsonSchemaObject {
  const query = cartridge.queries.find((item) => item.name === name)!
  try {
    return z.toJSONSchema(query.input, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject
  } catch {
    return {}
  }
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
  for (const field of ['key', 'sourceKey', 'recordKey', 'source']) if (typeof item[field] === 'string') return item[field] as string
  return undefined
}

/** Turns a query's output into hits: `[{ key, score }]`, or entities with `mentions: [{ sourceKey }]`. */
export function hitsFromOutput(output: unknown): CartridgeHit[] {
  const items = Array.isArray(output) ? output : Array.isArray((output as { results?: unknown })?.results) ? (output as { results: unknown[] }).results : output === null || output === undefined ? [] : [output]
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
    if (key !== undefined) hits.push({ key, score, ...(typeof item.keyspace === 'string' ? { keyspace: item.keyspace } : {}) })
  }
  return hits
}

/**
 * Asks a vectors or entities cartridge for the records matching a text, adapting to its
 * query operation's declared input (text or vector, limit, prefix) and output shapes.
 * Undefined (with a warning) when the cartridge has no operation this can call.
 */
export function searchCartridgeHits(context: ExecutionContext, cartridge: Cartridge, role: CartridgeRole, args: { readonly text: string; readonly limit: number; readonly prefix?: string | undefined }): CartridgeHit[] | undefined {
  const name = context.queryName(cartridge, QUERY_NAMES[role] ?? [])
  const input = name === undefined ? undefined : buildInput(cartridge, name, { text: args.text, limit: args.limit, ...(args.prefix === undefined ? {} : { prefix: args.prefix }) })
  if (name === undefined || input === undefined) {
    context.warn('QUERY_CARTRIDGE_UNUSABLE', `Cartridge "${cartridge.name}" has no query the ${role} step can call (looked for ${(QUERY_NAMES[role] ?? []).join(', ')} taking a text or vector): the step used its fallback.`)
    return undefined
  }
  const hits = hitsFromOutput(context.query(cartridge, name, input))
  return args.prefix === undefined ? hits : hits.filter((hit) => hit.key.startsWith(args.prefix!))
}
