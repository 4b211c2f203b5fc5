import { extractText, tokenize } from '../../cartridges/topics/index.js'
import { type Candidate, byScore, candidate } from './candidate.js'
import type { ExecutionContext } from './execution-context.js'

/**
 * Full-text search without a topics cartridge: scans the keyspace (within the
 * candidates budget) and scores each record by the query terms it contains, weighted
 * by how rare each term was among the scanned records (a BM25-like idf).
 */
export function scanTermSearch(context: ExecutionContext, args: { readonly keyspace: string; readonly query: string; readonly prefix?: string; readonly limit: number }): Candidate[] {
  const terms = [...new Set(tokenize(args.query))]
  if (terms.length === 0) return []
  const documentFrequency = new Map<string, number>(terms.map((term) => [term, 0]))
  const matches: { key: string; value: unknown; counts: Map<string, number>; length: number }[] = []
  let documents = 0
  for (const entry of context.snapshot.keyspace(args.keyspace).scan(args.prefix === undefined ? {} : { prefix: args.prefix })) {
    if (!context.spend()) break
    if (typeof entry.key !== 'string') continue
    documents++
    const tokens = tokenize(extractText(entry.value, 'all'))
    const counts = new Map<string, number>()
    for (const token of tokens) if (documentFrequency.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1)
    if (counts.size === 0) continue
    for (const term of counts.keys()) documentFrequency.set(term, documentFrequency.get(term)! + 1)
    matches.push({ key: entry.key, value: entry.value, counts, length: tokens.length })
  }
  const results = matches.map((match) => {
    let score = 0
    for (const [term, count] of match.counts) {
      const frequency = documentFrequency.get(term)!
      score += Math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5)) * ((count * 2.2) / (count + 1.2 * (0.25 + (0.75 * match.length) / 50)))
    }
    return candidate({ keyspace: args.keyspace, key: match.key, score, source: 'topicSearch:scan', value: match.value })
  })
  return results.sort(byScore).slice(0, args.limit)
}
