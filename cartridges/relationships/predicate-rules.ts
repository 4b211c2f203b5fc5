import { LivingDbError } from '../../errors/index.js'

/**
 * Predicates that allow one object per subject at a time: a new object for the same
 * subject closes the old edge ("Alice work at Initech", later "Alice work at Globex").
 */
export const DEFAULT_FUNCTIONAL_PREDICATES: readonly string[] = Object.freeze(['work at', 'work for', 'report to', 'ceo of', 'cto of', 'cfo of', 'live in', 'locate in', 'base in', 'head', 'lead', 'own by', 'marry', 'born in'])

/** Normalises a predicate as the extractor does: lower case, single spaces. */
export function normalizePredicate(predicate: string): string {
  return predicate.trim().toLowerCase().replace(/\s+/g, ' ')
}

/** The declared functional predicates, normalised and checked. */
export function resolveFunctionalPredicates(predicates: readonly string[] | undefined): readonly string[] {
  const resolved = [...new Set((predicates ?? DEFAULT_FUNCTIONAL_PREDICATES).map(normalizePredicate))].sort()
  if (resolved.some((predicate) => predicate === '' || predicate.length > 100)) {
    throw new LivingDbError('CARTRIDGE_INVALID', 'Relationships option functionalPredicates must hold non-empty predicates of at most 100 characters (e.g. "work at").', { details: { option: 'functionalPredicates' } })
  }
  return resolved
}
