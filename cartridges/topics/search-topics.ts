import type { CartridgeKeyspaceReader } from '../spec/index.js'
import { type Bm25Parameters, bm25Idf } from './bm25.js'
import { POSTING_BYTES, readUint32 } from './postings-segment.js'
import { topicsKeys } from './topics-keys.js'
import { tokenize } from './tokenize.js'

/** One search hit: the source record's key and its BM25 score. */
export interface TopicsHit {
  readonly key: string
  readonly score: number
}

/** Arguments of {@link searchTopics}. */
export interface SearchTopicsArgs {
  readonly keyspace: CartridgeKeyspaceReader
  readonly query: string
  readonly limit: number
  /** Only records whose key starts with this prefix. */
  readonly prefix?: string
  readonly parameters: Bm25Parameters
}

// Score accumulators reused across searches (one search runs at a time: reads are synchronous).
let scores = new Float64Array(1024)
let touched = new Int32Array(1024)

/**
 * Top-`limit` BM25 search, term at a time: each query term's segments are read with one
 * prefix scan and scored into a dense accumulator; a size-`limit` min-heap keeps the
 * best. Ties go to the lower document number (the earlier indexed record).
 */
export function searchTopics(args: SearchTopicsArgs): TopicsHit[] {
  const { keyspace, limit, parameters } = args
  const stats = keyspace.get(topicsKeys.stats) as [number, number, number] | undefined
  if (stats === undefined || stats[0] === 0 || limit === 0) return []
  const [documents, totalLength, nextDocNo] = stats
  const averageLength = totalLength / documents
  if (scores.length < nextDocNo) {
    scores = new Float64Array(Math.max(nextDocNo, scores.length * 2))
    touched = new Int32Array(scores.length)
  }
  const { k1, b } = parameters
  const lengthFactor = (k1 * b) / averageLength
  const constant = k1 * (1 - b)
  let touchedCount = 0
  try {
    for (const term of new Set(tokenize(args.query))) {
      const meta = keyspace.get(topicsKeys.term(term)) as [number, number] | undefined
      if (meta === undefined) continue
      const weight = bm25Idf(documents, meta[0]) * (k1 + 1)
      for (const entry of keyspace.scan({ prefix: topicsKeys.segmentPrefix(term) })) {
        const segment = entry.value as Uint8Array
        for (let offset = 0; offset < segment.length; offset += POSTING_BYTES) {
          const docNo = readUint32(segment, offset)
          const tf = segment[offset + 4]! | (segment[offset + 5]! << 8)
          const length = readUint32(segment, offset + 6)
          const contribution = (weight * tf) / (tf + constant + lengthFactor * length)
          if (scores[docNo] === 0) touched[touchedCount++] = docNo
          scores[docNo]! += contribution
        }
      }
    }
    return args.prefix === undefined || args.prefix === '' ? topK(keyspace, touchedCount, limit) : topKWithPrefix(keyspace, touchedCount, limit, args.prefix)
  } finally {
    for (let index = 0; index < touchedCount; index++) scores[touched[index]!] = 0
  }
}

/** True when document `a` ranks below document `b`. */
function worse(a: number, b: number): boolean {
  const scoreA = scores[a]!
  const scoreB = scores[b]!
  return scoreA < scoreB || (scoreA === scoreB && a > b)
}

function topK(keyspace: CartridgeKeyspaceReader, count: number, limit: number): TopicsHit[] {
  const heap: number[] = []
  for (let index = 0; index < count; index++) {
    const docNo = touched[index]!
    if (heap.length < limit) {
      heap.push(docNo)
      siftUp(heap, heap.length - 1)
    } else if (worse(heap[0]!, docNo)) {
      heap[0] = docNo
      siftDown(heap, 0)
    }
  }
  heap.sort((a, b) => (worse(a, b) ? 1 : -1))
  return heap.map((docNo) => ({ key: keyspace.get(topicsKeys.document(docNo)) as string, score: scores[docNo]! }))
}

function topKWithPrefix(keyspace: CartridgeKeyspaceReader, count: number, limit: number, prefix: string): TopicsHit[] {
  const ranked = Array.from(touched.subarray(0, count)).sort((a, b) => (worse(a, b) ? 1 : -1))
  const hits: TopicsHit[] = []
  for (const docNo of ranked) {
    const key = keyspace.get(topicsKeys.document(docNo)) as string
    if (!key.startsWith(prefix)) continue
    hits.push({ key, score: scores[docNo]! })
    if (hits.length >= limit) break
  }
  return hits
}

function siftUp(heap: number[], index: number): void {
  while (index > 0) {
    const parent = (index - 1) >> 1
    if (!worse(heap[index]!, heap[parent]!)) return
    ;[heap[index], heap[parent]] = [heap[parent]!, heap[index]!]
    index = parent
  }
}

function siftDown(heap: number[], index: number): void {
  for (;;) {
    const left = index * 2 + 1
    const right = left + 1
    let smallest = index
    if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left
    if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right
    if (smallest === index) return
    ;[heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!]
    index = smallest
  }
}
