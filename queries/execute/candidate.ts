import type { Citation } from '../ask-types.js'

/** A record found by a plan step, with its score and why it was found. */
export interface Candidate {
  readonly keyspace: string
  readonly key: string
  score: number
  /** Loaded lazily (undefined until read; null when the record does not exist at the snapshot). */
  value?: unknown
  readonly citations: Citation[]
}

/** A new candidate found by `source`. */
export function candidate(args: { readonly keyspace: string; readonly key: string; readonly score: number; readonly source: string; readonly value?: unknown }): Candidate {
  return {
    keyspace: args.keyspace,
    key: args.key,
    score: args.score,
    ...(args.value === undefined ? {} : { value: args.value }),
    citations: [{ key: args.key, keyspace: args.keyspace, txnId: null, source: args.source }],
  }
}

/** `keyspace\u0000key`: identifies a record across keyspaces. */
export function candidateId(item: { readonly keyspace: string; readonly key: string }): string {
  return `${item.keyspace}\u0000${item.key}`
}

/** Adds the citations of `from` that `into` does not have yet. */
export function mergeCitations(into: Candidate, from: readonly Citation[]): void {
  for (const citation of from) {
    if (!into.citations.some((existing) => existing.source === citation.source && existing.key === citation.key)) into.citations.push(citation)
  }
}

/** Sorts by score, best first; ties by key so results are deterministic. */
export function byScore(left: Candidate, right: Candidate): number {
  return right.score - left.score || (left.key < right.key ? -1 : left.key > right.key ? 1 : 0)
}
