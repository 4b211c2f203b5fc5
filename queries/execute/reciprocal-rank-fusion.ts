import { type Candidate, byScore, candidateId, mergeCitations } from './candidate.js'

/** The RRF constant of the original paper (Cormack et al., 2009) and of the plan's `fuse` default. */
export const RRF_K = 60

/**
 * Reciprocal rank fusion: each record scores Σ weightᵢ / (k + rankᵢ) over the ranked
 * lists it appears in (rank from 1), so agreement between retrievers beats any single
 * high score. Citations of every list are kept.
 */
export function reciprocalRankFusion(lists: readonly (readonly Candidate[])[], options: { readonly k?: number; readonly weights?: readonly number[] } = {}): Candidate[] {
  const k = options.k ?? RRF_K
  const fused = new Map<string, Candidate>()
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1
    list.forEach((item, rank) => {
      const id = candidateId(item)
      const contribution = weight / (k + rank + 1)
      const existing = fused.get(id)
      if (existing === undefined) {
        fused.set(id, { keyspace: item.keyspace, key: item.key, score: contribution, ...(item.value === undefined ? {} : { value: item.value }), citations: [...item.citations] })
      } else {
        existing.score += contribution
        if (existing.value === undefined && item.value !== undefined) existing.value = item.value
        mergeCitations(existing, item.citations)
      }
    })
  })
  return [...fused.values()].sort(byScore)
}
