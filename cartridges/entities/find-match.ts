import type { CartridgeJson, CartridgeKeyspaceReader } from '../spec/index.js'
import type { EntityKeys } from './entity-keys.js'
import { nameKey } from './entity-keys.js'
import type { NameRecord } from './entity-records.js'
import { jaroWinkler, legalFormCore, nameTrigrams, nameVariants } from './normalize-name.js'
import { EXTRACTED_ENTITY_TYPES } from './extraction-record.js'

/** Entries read per trigram when looking for fuzzy candidates (bounds the work for very common trigrams). */
const TRIGRAM_SCAN_LIMIT = 256
/** A candidate must share at least this fraction of the mention's trigrams. */
const MIN_SHARED_TRIGRAMS = 0.4

/** A match of a new name against existing names. */
export interface NameMatch {
  readonly entityId: string
  readonly method: 'exact' | 'alias' | 'fuzzy'
  readonly score: number
}


function nameRecord(space: CartridgeKeyspaceReader, keys: EntityKeys, type: string, norm: string): NameRecord | undefined {
  return space.get(keys.name(nameKey(type, norm))) as NameRecord | CartridgeJson | undefined as NameRecord | undefined
}

/**
 * The type a mention is resolved under: a `concept` (a relationship end the extractor
 * could not type) takes the type of an existing name spelled the same, in
 * {@link EXTRACTED_ENTITY_TYPES} order.
 */
export function effectiveType(args: { readonly space: CartridgeKeyspaceReader; readonly keys: EntityKeys; readonly type: string; readonly norm: string }): string {
  if (args.type !== 'concept' || nameRecord(args.space, args.keys, 'concept', args.norm) !== undefined) return args.type
  return EXTRACTED_ENTITY_TYPES.find((other) => other !== 'concept' && nameRecord(args.space, args.keys, other, args.norm) !== undefined) ?? 'concept'
}

/**
 * Finds the entity a new name belongs to, without writing: an exact name; else one entity reached through name variants
 * (legal form dropped, initials; several → no alias match); else the best name of the
 * same type by Jaro–Winkler at or above `threshold`, among names sharing enough
 * trigrams. Entities an unmerge took this name out of are skipped. Deterministic: ties
 * go to the smaller normalised name.
 */
export function findMatch(args: { readonly space: CartridgeKeyspaceReader; readonly keys: EntityKeys; readonly type: string; readonly norm: string; readonly threshold: number; readonly minFuzzyLength: number }): NameMatch | undefined {
  const { space, keys, type, norm } = args
  const blocked = (entityId: string): boolean => space.get(keys.block(nameKey(type, norm), entityId)) !== undefined
  const exact = nameRecord(space, keys, type, norm)
  if (exact !== undefined) return { entityId: exact.entityId, method: 'exact', score: 1 }
  const viaVariants = new Set<string>()
  const variants = nameVariants(norm, type)
  for (const variant of variants) {
    const record = nameRecord(space, keys, type, variant)
    if (record !== undefined && !blocked(record.entityId)) viaVariants.add(record.entityId)
  }
  // Names whose variant is this name ("acme" → "acme corp", "nyc" → "new york city"), and
  // names sharing this name's legal-form core ("acme inc" → "acme corp"); never two
  // multi-word names that merely share initials.
  const core = legalFormCore(norm, type)
  for (const variant of core === undefined ? [norm] : [norm, core]) {
    for (const entry of space.scan({ prefix: keys.variantPrefix(type, variant), limit: 16 })) {
      const record = nameRecord(space, keys, type, String(entry.value))
      if (record !== undefined && !blocked(record.entityId)) viaVariants.add(record.entityId)
    }
  }
  if (viaVariants.size === 1) return { entityId: [...viaVariants][0]!, method: 'alias', score: 1 }
  if (norm.length < args.minFuzzyLength || args.threshold >= 1) return undefined
  const trigrams = nameTrigrams(norm)
  const shared = new Map<string, number>()
  for (const trigram of trigrams) {
    for (const entry of space.scan({ prefix: keys.trigramPrefix(type, trigram), limit: TRIGRAM_SCAN_LIMIT })) {
      const candidate = String(entry.value)
      shared.set(candidate, (shared.get(candidate) ?? 0) + 1)
    }
  }
  const ranked: { norm: string; score: number }[] = []
  for (const [candidate, count] of shared) {
    if (count < Math.ceil(trigrams.length * MIN_SHARED_TRIGRAMS) || candidate.length < args.minFuzzyLength) continue
    const score = Math.round(jaroWinkler(norm, candidate) * 10_000) / 10_000
    if (score >= args.threshold) ranked.push({ norm: candidate, score })
  }
  ranked.sort((left, right) => right.score - left.score || (left.norm < right.norm ? -1 : left.norm > right.norm ? 1 : 0))
  for (const candidate of ranked) {
    const record = nameRecord(space, keys, type, candidate.norm)
    if (record !== undefined && !blocked(record.entityId)) return { entityId: record.entityId, method: 'fuzzy', score: candidate.score }
  }
  return undefined
}
