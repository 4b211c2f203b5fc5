import type { JsonSchema } from '../../spec/index.js'
import { ENTITY_TYPE_SYNONYMS, FALLBACK_ENUM_MEMBERS, type OfflineTask, type Semantic, normaliseName, semanticOf } from './schema-semantics.js'
import type { Entity, Relationship, Summary, TextAnalysis, Topic } from './types.js'

/** What the schema filler draws values from. */
export interface FillSource {
  readonly analysis: TextAnalysis
  readonly summary: Summary
  /** The analysed text (an unrecognised enum takes a member that occurs in it); defaults to the summary text. */
  readonly text?: string
  /** From the system prompt's `task:` marker; decides what an unrecognised array holds. */
  readonly task?: OfflineTask
}

type Schema = Readonly<Record<string, unknown>>
type ItemKind = 'entities' | 'topics' | 'relationships'
const MAX_DEPTH = 24
/** Below this depth arrays are left empty and nullable values null, so recursive schemas stay finite and small. */
const RECURSION_DEPTH = 6
/** Returned when an extracted item cannot be expressed in an enum of the schema: the item is dropped. */
const NO_MATCH = Symbol('no-match')

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Schema : {}
}

function resolve(schema: Schema, root: Schema, depth: number): Schema {
  let current = schema
  for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH - depth; hops++) {
    if (current.$ref === '#') { current = root; continue }
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(current.$ref as string)
    if (match === null) return {}
    current = asSchema(asSchema(root[match[1]])[decodeURIComponent(match[2])])
  }
  if (Array.isArray(current.allOf)) {
    const merged: Record<string, unknown> = { ...current, properties: {}, required: [] }
    for (const part of current.allOf) {
      const resolved = resolve(asSchema(part), root, depth + 1)
      Object.assign(merged, resolved, {
        properties: { ...asSchema(merged.properties), ...asSchema(resolved.properties) },
        required: [...(merged.required as string[]), ...(Array.isArray(resolved.required) ? resolved.required as string[] : [])],
      })
    }
    delete merged.allOf
    return merged
  }
  return current
}

function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === 'string') return schema.type
  if (Array.isArray(schema.type)) return (schema.type as string[]).find((type) => type !== 'null') ?? 'null'
  if (schema.properties !== undefined) return 'object'
  if (schema.items !== undefined) return 'array'
  return undefined
}

/** Property names (normalised) that read a field of an extracted item, in the order the fields are tried. */
const ITEM_FIELD_NAMES: ReadonlyArray<readonly [readonly string[], string]> = [
  [['name', 'text', 'value', 'entity', 'mention', 'surface', 'entityname'], 'name'],
  [['type', 'kind', 'category', 'entitytype', 'label', 'class'], 'type'],
  [['start', 'offset', 'begin', 'startoffset', 'startindex'], 'start'],
  [['end', 'endoffset', 'endindex', 'stop'], 'end'],
  [['phrase', 'topic', 'keyword', 'keyphrase', 'name', 'text', 'label', 'value', 'term'], 'phrase'],
  [['weight', 'score', 'relevance', 'importance', 'salience', 'confidence', 'probability'], 'weight'],
  [['count', 'frequency', 'occurrences', 'mentions'], 'count'],
  [['subject', 'source', 'from', 'head', 'entity1', 'subjectname', 'actor'], 'subject'],
  [['predicate', 'relation', 'relationship', 'verb', 'type', 'label', 'kind', 'relationtype'], 'predicate'],
  [['object', 'target', 'to', 'tail', 'entity2', 'objectname'], 'object'],
  [['confidence', 'score', 'probability', 'weight'], 'confidence'],
]
const ITEM_FIELDS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>()
  for (const [names, field] of ITEM_FIELD_NAMES) {
    for (const name of names) {
      const fields = map.get(name) ?? []
      if (!fields.includes(field)) fields.push(field)
      map.set(name, fields)
    }
  }
  return map
})()

function dedupeEntities(entities: readonly Entity[]): Entity[] {
  const seen = new Set<string>()
  return entities.filter((entity) => {
    const key = `${entity.type}:${entity.name.toLowerCase()}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function pickEnum(members: readonly unknown[], wanted: readonly string[]): unknown {
  const normal = members.map((member) => typeof member === 'string' ? normaliseName(member) : undefined)
  for (const word of wanted) {
    const found = normal.indexOf(word)
    if (found >= 0) return members[found]
  }
  for (const fallback of FALLBACK_ENUM_MEMBERS) {
    const found = normal.indexOf(fallback)
    if (found >= 0) return members[found]
  }
  return undefined
}

function clampNumber(value: number, schema: Schema, integer: boolean): number {
  let result = integer ? Math.round(value) : value
  if (typeof schema.minimum === 'number') result = Math.max(result, schema.minimum)
  if (typeof schema.maximum === 'number') result = Math.min(result, schema.maximum)
  if (typeof schema.exclusiveMinimum === 'number' && result <= schema.exclusiveMinimum) result = schema.exclusiveMinimum + (integer ? 1 : 1e-6)
  if (typeof schema.exclusiveMaximum === 'number' && result >= schema.exclusiveMaximum) result = schema.exclusiveMaximum - (integer ? 1 : 1e-6)
  return result
}

function fitString(value: string, schema: Schema, fallback: string): string {
  let result = value.length > 0 ? value : fallback
  if (typeof schema.minLength === 'number' && result.length < schema.minLength) result = result.padEnd(schema.minLength, '.')
  if (typeof schema.maxLength === 'number' && result.length > schema.maxLength) result = result.slice(0, schema.maxLength)
  return result
}

/** Fills JSON Schemas with values drawn from one analysed text (see docs/offline-provider.md for the rules). */
class SchemaFiller {
  constructor(private readonly source: FillSource, private readonly root: Schema) {}

  fill(rawSchema: unknown, name: string, depth: number, value?: unknown): unknown {
    const schema = resolve(asSchema(rawSchema), this.root, depth)
    if (depth > MAX_DEPTH) return null
    if ('const' in schema) return schema.const
    const options = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined) as unknown[] | undefined
    if (options !== undefined) {
      const resolved = options.map((option) => resolve(asSchema(option), this.root, depth + 1))
      const nullOption = resolved.find((option) => typeOf(option) === 'null')
      if (depth > RECURSION_DEPTH && nullOption !== undefined) return null
      const chosen = resolved.find((option) => typeOf(option) !== 'null') ?? resolved[0]
      return chosen === undefined ? null : this.fill(chosen, name, depth + 1, value)
    }
    const type = typeOf(schema)
    const semantic = semanticOf(name)
    if (Array.isArray(schema.enum)) return this.enumValue(schema.enum as unknown[], semantic, value)
    switch (type) {
      case 'object': return this.object(schema, depth, value)
      case 'array': return this.array(schema, name, semantic, depth)
      case 'string': return fitString(typeof value === 'string' || typeof value === 'number' ? String(value) : this.stringFor(semantic), schema, this.source.summary.text || 'unknown')
      case 'number': case 'integer': return clampNumber(typeof value === 'number' ? value : this.numberFor(name), schema, type === 'integer')
      case 'boolean': return typeof value === 'boolean' ? value : this.booleanFor(name)
      case 'null': return null
      default: return value ?? this.stringFor(semantic)
    }
  }

  private enumValue(members: readonly unknown[], semantic: Semantic | undefined, value: unknown): unknown {
    if (typeof value === 'string') {
      const entityType = value as keyof typeof ENTITY_TYPE_SYNONYMS
      const synonyms = ENTITY_TYPE_SYNONYMS[entityType] ?? [normaliseName(value)]
      const picked = pickEnum(members, [normaliseName(value), ...synonyms])
      return picked === undefined ? NO_MATCH : picked
    }
    if (semantic?.kind === 'language') return pickEnum(members, ['en', 'english', 'eng']) ?? members[0]
    const lowerText = (this.source.text ?? this.source.summary.text).toLowerCase()
    const mentioned = members.find((member) => typeof member === 'string' && member.length > 2 && lowerText.includes(member.toLowerCase()))
    return mentioned ?? members[0]
  }

  private object(schema: Schema, depth: number, value: unknown): Record<string, unknown> | typeof NO_MATCH {
    const properties = asSchema(schema.properties)
    const required = new Set(Array.isArray(schema.required) ? schema.required as string[] : [])
    const result: Record<string, unknown> = {}
    for (const [propertyName, propertySchema] of Object.entries(properties)) {
      const itemValue = value === undefined ? undefined : this.itemField(value, propertyName)
      const semantic = semanticOf(propertyName)
      if (!required.has(propertyName) && itemValue === undefined && (semantic === undefined || this.nothingFor(semantic))) continue
      const filled = this.fill(propertySchema, propertyName, depth + 1, itemValue)
      if (filled === NO_MATCH) return NO_MATCH
      result[propertyName] = filled
    }
    return result
  }

  /** The field of an extracted item (entity, topic, relationship) that a property name asks for. */
  private itemField(item: unknown, propertyName: string): unknown {
    const fields = ITEM_FIELDS.get(normaliseName(propertyName))
    if (fields === undefined) return undefined
    const record = item as Readonly<Record<string, unknown>>
    for (const field of fields) if (record[field] !== undefined) return record[field]
    return undefined
  }

  /** True when an optional property about `semantic` would only get an empty value (so it is left out). */
  private nothingFor(semantic: Semantic): boolean {
    if (semantic.kind === 'entities' || semantic.kind === 'topics' || semantic.kind === 'relationships') return this.itemsFor(semantic.kind, semantic).length === 0
    return semantic.kind === 'summary' || semantic.kind === 'title' ? this.source.summary.text.length === 0 : false
  }

  private itemsFor(kind: ItemKind, semantic: Semantic | undefined): readonly unknown[] {
    if (kind === 'topics') return this.source.analysis.topics
    if (kind === 'relationships') return this.source.analysis.relationships
    const entities = dedupeEntities(this.source.analysis.entities)
    const wanted = semantic?.kind === 'entities' ? semantic.entityType : undefined
    return wanted === undefined ? entities : entities.filter((entity) => entity.type === wanted)
  }

  private itemKind(semantic: Semantic | undefined, itemSchema: Schema): ItemKind | 'sentences' {
    if (semantic?.kind === 'entities' || semantic?.kind === 'topics' || semantic?.kind === 'relationships') return semantic.kind
    if (semantic?.kind === 'summary') return 'sentences'
    const names = new Set(Object.keys(asSchema(itemSchema.properties)).map(normaliseName))
    if ((names.has('subject') || names.has('source') || names.has('head')) && (names.has('object') || names.has('target') || names.has('tail'))) return 'relationships'
    if (names.has('phrase') || names.has('topic') || names.has('keyword') || names.has('weight') || names.has('relevance')) return 'topics'
    if (names.has('type') || names.has('entitytype') || names.has('category')) return 'entities'
    if (this.source.task !== undefined && this.source.task !== 'summary') return this.source.task
    return 'topics'
  }

  private array(schema: Schema, name: string, semantic: Semantic | undefined, depth: number): unknown[] {
    if (depth > RECURSION_DEPTH) return []
    const itemSchema = resolve(asSchema(schema.items), this.root, depth + 1)
    const kind = this.itemKind(semantic, itemSchema)
    const items: unknown[] = kind === 'sentences' ? this.source.summary.sentences.map((sentence) => sentence.text) : [...this.itemsFor(kind, semantic)]
    const itemType = typeOf(itemSchema)
    const filled: unknown[] = []
    for (const item of items) {
      let value: unknown
      if (itemType === 'object') value = this.fill(itemSchema, name, depth + 1, item)
      else if (itemType === 'string' || itemType === undefined) value = this.fill(itemSchema, name, depth + 1, this.itemLabel(item))
      else continue
      if (value === NO_MATCH || (Array.isArray(itemSchema.enum) && !(itemSchema.enum as unknown[]).includes(value))) continue
      filled.push(value)
    }
    const unique = schema.uniqueItems === true ? filled.filter((value, index) => filled.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) === index) : filled
    return typeof schema.maxItems === 'number' ? unique.slice(0, schema.maxItems) : unique
  }

  private itemLabel(item: unknown): string {
    if (typeof item === 'string') return item
    const record = item as Partial<Entity & Topic & Relationship>
    if (record.subject !== undefined) return `${record.subject} ${record.predicate ?? ''} ${record.object ?? ''}`.replace(/\s+/g, ' ').trim()
    return record.name ?? record.phrase ?? ''
  }

  private stringFor(semantic: Semantic | undefined): string {
    const summary = this.source.summary
    if (semantic?.kind === 'title') return (summary.sentences[0]?.text ?? '').replace(/[.!?]+$/, '').slice(0, 80)
    if (semantic?.kind === 'language') return 'en'
    if (semantic?.kind === 'entities') return this.itemsFor('entities', semantic).map((item) => this.itemLabel(item)).join(', ')
    if (semantic?.kind === 'topics') return this.source.analysis.topics.map((topic) => topic.phrase).join(', ')
    return summary.text
  }

  private numberFor(name: string): number {
    const normal = normaliseName(name)
    if (/count|total|number|num/.test(normal)) {
      const semantic = semanticOf(normal.replace(/count|total|numberof|number|num/g, ''))
      if (semantic?.kind === 'entities' || semantic?.kind === 'topics' || semantic?.kind === 'relationships') return this.itemsFor(semantic.kind, semantic).length
      return this.source.analysis.entities.length
    }
    return 0
  }

  private booleanFor(name: string): boolean {
    const normal = normaliseName(name)
    if (!/^(?:has|contains|mentions|includes)/.test(normal)) return false
    const semantic = semanticOf(normal.replace(/^(?:has|contains|mentions|includes)/, ''))
    if (semantic?.kind === 'entities' || semantic?.kind === 'topics' || semantic?.kind === 'relationships') return this.itemsFor(semantic.kind, semantic).length > 0
    return false
  }
}

/**
 * Builds a value for `schema` from an analysed text: arrays whose property name
 * (or item shape) asks for entities, topics or relationships get the extracted
 * items mapped onto the item schema; summary-like strings get the extractive
 * summary; everything else gets a schema-valid default. Unrecognised optional
 * properties are left out.
 */
export function fillSchema(schema: JsonSchema, source: FillSource): unknown {
  const root = asSchema(schema)
  const value = new SchemaFiller(source, root).fill(root, '', 0)
  return value === NO_MATCH ? null : value
}
