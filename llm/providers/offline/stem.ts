/**
 * A light, deterministic English stemmer for grouping word variants: plural and
 * verb endings only (`migrations` → `migration`, `approved` → `approv`). It never
 * produces a stem shorter than three letters.
 */
export function lightStem(lowercaseWord: string): string {
  const word = lowercaseWord
  if (word.length <= 4) return word
  if (word.endsWith('ies') && word.length > 5) return `${word.slice(0, -3)}y`
  if (word.endsWith('sses')) return word.slice(0, -2)
  if (word.endsWith('ing') && word.length > 6) return word.slice(0, -3)
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2)
  if (word.endsWith('es') && /(?:ch|sh|x|z)es$/.test(word)) return word.slice(0, -2)
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1)
  return word
}

/** Singular form of a lowercase noun for display keys (`migrations` → `migration`, `policies` → `policy`). */
export function singular(lowercaseWord: string): string {
  const word = lowercaseWord
  if (word.length <= 3) return word
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`
  if (/(?:ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2)
  if (word.endsWith('s') && !/(?:ss|us|is|os)$/.test(word)) return word.slice(0, -1)
  return word
}
