/** BM25 parameters: term-frequency saturation `k1` and length normalisation `b`. */
export interface Bm25Parameters {
  readonly k1: number
  readonly b: number
}

/** The classic defaults: k1 = 1.2, b = 0.75. */
export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 }

/**
 * Inverse document frequency, the Lucene/Robertson form that is never negative:
 * `ln(1 + (N - df + 0.5) / (df + 0.5))` for `N` documents, `df` of them with the term.
 */
export function bm25Idf(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5))
}

/** One term's BM25 contribution: `idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))`. */
export function bm25TermScore(args: { readonly idf: number; readonly termFrequency: number; readonly documentLength: number; readonly averageLength: number; readonly parameters?: Bm25Parameters }): number {
  const { k1, b } = args.parameters ?? DEFAULT_BM25
  const tf = args.termFrequency
  return (args.idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * args.documentLength) / args.averageLength))
}
