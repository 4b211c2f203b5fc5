/** Legal-form suffixes dropped from organisation names to find their core ("Acme Corp" → "acme"). */
const ORGANIZATION_SUFFIXES = new Set(['inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'ltd', 'limited', 'llc', 'llp', 'gmbh', 'ag', 'sa', 'plc', 'bv', 'nv', 'oy', 'ab', 'as'])
/** Types whose multi-word names are also known by their initials ("New York City" → "nyc"). */
const ACRONYM_TYPES = new Set(['organization', 'place', 'product', 'concept', 'other'])

/**
 * The normalised form of an entity name, used for exact matching: NFKC, lower case,
 * possessive `'s` and punctuation removed, whitespace collapsed, a leading "the" dropped.
 * `normalizeName('The  Acme Corp.')` → `'acme corp'`. Empty when nothing is left.
 */
export function normalizeName(name: string): string {
  const words = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '')
  if (words.length > 1 && words[0] === 'the') words.shift()
  return words.join(' ')
}

/** An organisation's normalised name without its legal form ("acme corp" → "acme"), or undefined. */
export function legalFormCore(norm: string, type: string): string | undefined {
  const words = norm.split(' ')
  return type === 'organization' && words.length > 1 && ORGANIZATION_SUFFIXES.has(words.at(-1)!) ? words.slice(0, -1).join(' ') : undefined
}

/**
 * Other normalised forms the same entity is often written as: an organisation's name
 * without its legal form, and the initials of a multi-word name (for organisations,
 * places, products and concepts). Never contains `norm` itself.
 */
export function nameVariants(norm: string, type: string): string[] {
  const variants = new Set<string>()
  const words = norm.split(' ')
  const core = legalFormCore(norm, type)
  if (core !== undefined) variants.add(core)
  if (ACRONYM_TYPES.has(type)) {
    const initials = core === undefined ? words : core.split(' ')
    if (initials.length >= 2 && initials.length <= 8 && initials.every((word) => /^\p{L}/u.test(word))) variants.add(initials.map((word) => word[0]).join(''))
  }
  variants.delete(norm)
  return [...variants].sort()
}

/** The character trigrams of a normalised name, padded with spaces, distinct and sorted. */
export function nameTrigrams(norm: string): string[] {
  const padded = ` ${norm} `
  const grams = new Set<string>()
  for (let index = 0; index + 3 <= padded.length; index++) grams.add(padded.slice(index, index + 3))
  return [...grams].sort()
}

/**
 * Jaro–Winkler similarity of two strings, from 0 (nothing in common) to 1 (equal),
 * with the usual prefix scale 0.1 over at most 4 characters.
 */
export function jaroWinkler(left: string, right: string): number {
  if (left === right) return 1
  if (left.length === 0 || right.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(left.length, right.length) / 2) - 1)
  const leftMatched = new Array<boolean>(left.length).fill(false)
  const rightMatched = new Array<boolean>(right.length).fill(false)
  let matches = 0
  for (let index = 0; index < left.length; index++) {
    const from = Math.max(0, index - window)
    const to = Math.min(right.length - 1, index + window)
    for (let other = from; other <= to; other++) {
      if (rightMatched[other] || left[index] !== right[other]) continue
      leftMatched[index] = true
      rightMatched[other] = true
      matches++
      break
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let other = 0
  for (let index = 0; index < left.length; index++) {
    if (!leftMatched[index]) continue
    while (!rightMatched[other]) other++
    if (left[index] !== right[other]) transpositions++
    other++
  }
  const jaro = (matches / left.length + matches / right.length + (matches - transpositions / 2) / matches) / 3
  let prefix = 0
  while (prefix < 4 && prefix < left.length && prefix < right.length && left[prefix] === right[prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}
