import { CartridgeWriteCache, type CartridgeApplyArgs, type CartridgeJson, type Provenance, keyComponent, sourceKeyString } from '../spec/index.js'
import { type TextFields, extractText } from './extract-text.js'
import { removePosting } from './postings-segment.js'
import { SegmentAppender } from './segment-appender.js'
import { topicsKeys } from './topics-keys.js'
import { tokenize } from './tokenize.js'

/** A document's forward record: what it contributed, so an update or delete can take it back. */
export interface TopicsForwardRecord {
  readonly key: string
  readonly docNo: number
  readonly length: number
  /** `[term, segmentNo]` of each of its postings, sorted by term. */
  readonly terms: readonly (readonly [string, number])[]
  readonly provenance: Provenance
}

/** What `apply` needs to know about the index. */
export interface TopicsApplyConfig {
  readonly keyspace: string
  readonly fields: TextFields
  readonly segmentSize: number
}

type Stats = [documents: number, totalLength: number, nextDocNo: number]

/** A term touched by the batch: its `t/` record kept in memory until the end of the batch. */
interface TermState {
  readonly termKey: string
  readonly component: string
  documentFrequency: number
  segmentNo: number
  segmentKey: string
}

/** Term records of one batch: read once, updated in memory, written once by `flush()`. */
class TermStates {
  private readonly states = new Map<string, TermState>()

  constructor(private readonly cache: CartridgeWriteCache) {}

  get(term: string): TermState {
    let state = this.states.get(term)
    if (state === undefined) {
      const component = keyComponent(term)
      const termKey = topicsKeys.termOf(component)
      const [documentFrequency, segmentNo] = (this.cache.get(termKey) as [number, number] | undefined) ?? [0, 0]
      state = { termKey, component, documentFrequency, segmentNo, segmentKey: topicsKeys.segmentOf(component, segmentNo) }
      this.states.set(term, state)
    }
    return state
  }

  /** Writes the term's record to the cache and forgets it (before code that works on the cache). */
  release(term: string): void {
    const state = this.states.get(term)
    if (state === undefined) return
    this.write(state)
    this.states.delete(term)
  }

  flush(): void {
    for (const state of this.states.values()) this.write(state)
    this.states.clear()
  }

  private write(state: TermState): void {
    if (state.documentFrequency > 0) this.cache.put(state.termKey, [state.documentFrequency, state.segmentNo])
  }
}

/**
 * Applies a batch to the topics index. Adding a document appends one posting per
 * distinct term to that term's last segment (a new segment once it holds
 * `segmentSize`), so the cost does not grow with the term's posting count.
 */
export function applyTopics(config: TopicsApplyConfig, args: CartridgeApplyArgs): void {
  const cache = new CartridgeWriteCache(args.transaction.keyspace(config.keyspace))
  const segments = new SegmentAppender(cache)
  const termStates = new TermStates(cache)
  const stats = ((cache.get(topicsKeys.stats) as Stats | undefined) ?? [0, 0, 0]).slice() as Stats
  for (const commit of args.commits) {
    for (const operation of commit.ops) {
      const sourceKey = sourceKeyString(operation.key)
      if (sourceKey === undefined) continue
      const forwardKey = topicsKeys.forward(sourceKey)
      const previous = cache.get(forwardKey) as TopicsForwardRecord | undefined
      if (previous !== undefined) removeDocument(cache, segments, termStates, stats, previous)
      const terms = operation.type === 'put' ? tokenize(extractText(operation.value, config.fields)) : []
      if (terms.length === 0) {
        if (previous !== undefined) {
          cache.delete(forwardKey)
          cache.delete(topicsKeys.document(previous.docNo))
        }
        continue
      }
      const docNo = previous?.docNo ?? stats[2]++
      const frequencies = new Map<string, number>()
      for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1)
      const placed: [string, number][] = []
      for (const term of [...frequencies.keys()].sort()) {
        placed.push([term, addPosting(segments, termStates.get(term), config.segmentSize, docNo, frequencies.get(term)!, terms.length)])
      }
      stats[0]++
      stats[1] += terms.length
      const provenance: Provenance = { sourceKeyspace: operation.keyspace, sourceKey, txnId: commit.txnId, plugin: args.plugin, ledgerEntryId: null }
      const record: TopicsForwardRecord = { key: sourceKey, docNo, length: terms.length, terms: placed, provenance }
      cache.put(forwardKey, record as unknown as CartridgeJson)
      cache.put(topicsKeys.document(docNo), sourceKey)
    }
  }
  cache.put(topicsKeys.stats, stats)
  termStates.flush()
  segments.flush()
  cache.flush()
}

function addPosting(segments: SegmentAppender, state: TermState, segmentSize: number, docNo: number, termFrequency: number, length: number): number {
  if (!segments.tryAppend(state.segmentKey, segmentSize, docNo, termFrequency, length)) {
    state.segmentNo++
    state.segmentKey = topicsKeys.segmentOf(state.component, state.segmentNo)
    segments.tryAppend(state.segmentKey, segmentSize, docNo, termFrequency, length)
  }
  state.documentFrequency++
  return state.segmentNo
}

function removeDocument(cache: CartridgeWriteCache, segments: SegmentAppender, termStates: TermStates, stats: Stats, record: TopicsForwardRecord): void {
  for (const [term, segmentNo] of record.terms) {
    termStates.release(term)
    const termKey = topicsKeys.term(term)
    const meta = cache.get(termKey) as [number, number]
    const segmentKey = topicsKeys.segment(term, segmentNo)
    segments.release(segmentKey)
    segments.release(topicsKeys.segment(term, meta[1]))
    const remaining = removePosting(cache.get(segmentKey) as Uint8Array, record.docNo)
    if (meta[0] <= 1) {
      cache.delete(termKey)
      cache.delete(segmentKey)
      cache.delete(topicsKeys.segment(term, meta[1]))
      continue
    }
    if (remaining.length === 0 && segmentNo !== meta[1]) cache.delete(segmentKey)
    else cache.put(segmentKey, remaining)
    cache.put(termKey, [meta[0] - 1, meta[1]])
  }
  stats[0]--
  stats[1] -= record.length
}
