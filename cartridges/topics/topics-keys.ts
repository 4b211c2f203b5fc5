import { keyComponent, padNumber } from '../spec/index.js'

/**
 * The key layout of a topics keyspace:
 * - `stats` → `[documents, totalLength, nextDocNo]`
 * - `t/<term>` → `[df, lastSegmentNo]`
 * - `p/<term>/<segmentNo>` → postings segment (bytes, see postings-segment.ts)
 * - `f/<source key>` → the document's forward record (a fact, with provenance)
 * - `n/<docNo>` → the source key of document number `docNo`
 */
export const topicsKeys = {
  stats: 'stats',
  term: (term: string): string => `t/${keyComponent(term)}`,
  /** `term` with the term already encoded by `keyComponent`. */
  termOf: (component: string): string => `t/${component}`,
  segment: (term: string, segmentNo: number): string => `p/${keyComponent(term)}/${padNumber(segmentNo, 8)}`,
  /** `segment` with the term already encoded by `keyComponent`. */
  segmentOf: (component: string, segmentNo: number): string => `p/${component}/${padNumber(segmentNo, 8)}`,
  segmentPrefix: (term: string): string => `p/${keyComponent(term)}/`,
  forward: (sourceKey: string): string => `f/${keyComponent(sourceKey)}`,
  forwardPrefix: 'f/',
  document: (docNo: number): string => `n/${padNumber(docNo, 10)}`,
} as const
