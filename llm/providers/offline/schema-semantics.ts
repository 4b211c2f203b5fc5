import type { EntityType } from './types.js'

/** What a schema property is about, judged from its name. */
export type Semantic =
  | { readonly kind: 'entities'; readonly entityType?: EntityType }
  | { readonly kind: 'topics' }
  | { readonly kind: 'relationships' }
  | { readonly kind: 'summary' }
  | { readonly kind: 'title' }
  | { readonly kind: 'language' }

/** Extraction tasks the offline model recognises in a `task:` marker of the system prompt. */
export type OfflineTask = 'entities' | 'topics' | 'relationships' | 'summary'

const RULES: ReadonlyArray<readonly [RegExp, Semantic]> = [
  [/^(?:emails?|emailaddress(?:es)?)$/, { kind: 'entities', entityType: 'email' }],
  [/^(?:urls?|links?|weblinks?|websites?)$/, { kind: 'entities', entityType: 'url' }],
  [/^(?:phones?|phonenumbers?|telephones?)$/, { kind: 'entities', entityType: 'phone' }],
  [/^(?:tickets?|ticketids?|issues?|issueids?)$/, { kind: 'entities', entityType: 'ticket' }],
  [/^(?:versions?|versionnumbers?)$/, { kind: 'entities', entityType: 'version' }],
  [/^(?:money|amounts?|prices?|costs?|monetaryamounts?)$/, { kind: 'entities', entityType: 'money' }],
  [/^(?:dates?|deadlines?|times?|datesmentioned)$/, { kind: 'entities', entityType: 'date' }],
  [/^(?:people|persons?|personnames?|attendees|participants|assignees?|contacts?)$/, { kind: 'entities', entityType: 'person' }],
  [/^(?:organi[sz]ations?|orgs?|compan(?:y|ies)|vendors?|customers?|clients?)$/, { kind: 'entities', entityType: 'organization' }],
  [/^(?:places?|locations?|cities|city|countries|country|regions?)$/, { kind: 'entities', entityType: 'place' }],
  [/^(?:products?|tools?|software)$/, { kind: 'entities', entityType: 'product' }],
  [/entit|namedentit|mentions?$/, { kind: 'entities' }],
  [/relation|triples?$|edges?$|facts?$|statements?$/, { kind: 'relationships' }],
  [/topic|keyword|keyphrase|tags?$|themes?$|subjects$|concepts?$/, { kind: 'topics' }],
  [/summary|abstract|synopsis|tldr|gist|overview|description/, { kind: 'summary' }],
  [/^(?:title|headline|heading)$/, { kind: 'title' }],
  [/^(?:language|lang|locale)$/, { kind: 'language' }],
]

/** Lower-case letters and digits only: `entity_type`, `entityType` and `Entity Type` all become `entitytype`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

const semanticCache = new Map<string, Semantic | null>()
const SEMANTIC_CACHE_LIMIT = 5_000

/** The semantic of a property name, or undefined when the offline model does not recognise it. */
export function semanticOf(name: string): Semantic | undefined {
  const cached = semanticCache.get(name)
  if (cached !== undefined) return cached ?? undefined
  const normal = normaliseName(name)
  let found: Semantic | null = null
  if (normal.length > 0) for (const [pattern, semantic] of RULES) if (pattern.test(normal)) { found = semantic; break }
  if (semanticCache.size >= SEMANTIC_CACHE_LIMIT) semanticCache.clear()
  semanticCache.set(name, found)
  return found ?? undefined
}

/** Reads a `task: entities|topics|relationships|summary` marker from a system prompt. */
export function taskOf(systemText: string): OfflineTask | undefined {
  const match = /\btask\s*[:=]\s*(?:extract[-_ ]?)?(entities|entity|topics|topic|keywords|relationships|relations|summary|summari[sz]e)\b/i.exec(systemText)
  if (match === null) return undefined
  const word = match[1].toLowerCase()
  if (word.startsWith('entit')) return 'entities'
  if (word.startsWith('topic') || word === 'keywords') return 'topics'
  if (word.startsWith('relation')) return 'relationships'
  return 'summary'
}

/** Words an enum member may use for each entity type (`ORG`, `company`, `GPE`, `location`...). */
export const ENTITY_TYPE_SYNONYMS: Readonly<Record<EntityType, readonly string[]>> = {
  person: ['person', 'people', 'per', 'human', 'individual', 'name'],
  organization: ['organization', 'organisation', 'org', 'company', 'business', 'corporation'],
  place: ['place', 'location', 'loc', 'gpe', 'city', 'country', 'geo'],
  product: ['product', 'software', 'tool', 'technology', 'item'],
  date: ['date', 'time', 'datetime', 'temporal'],
  email: ['email', 'emailaddress', 'contact'],
  url: ['url', 'link', 'website', 'uri'],
  phone: ['phone', 'phonenumber', 'telephone', 'contact'],
  ticket: ['ticket', 'issue', 'ticketid', 'identifier', 'id'],
  version: ['version', 'release'],
  money: ['money', 'amount', 'currency', 'price', 'monetary'],
  identifier: ['identifier', 'id', 'code'],
}

/** Enum members used when no synonym matches. */
export const FALLBACK_ENUM_MEMBERS: readonly string[] = ['other', 'misc', 'miscellaneous', 'unknown', 'thing', 'concept']
