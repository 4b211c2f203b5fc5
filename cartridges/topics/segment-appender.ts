import type { CartridgeWriteCache } from '../spec/index.js'
import { POSTING_BYTES, writePosting } from './postings-segment.js'

/**
 * Open postings segments of one batch kept in growable buffers, so appending to a
 * common term's segment many times in a batch costs O(1) per posting instead of a copy
 * of the segment per append. `flush()` (or `release(key)` before other code reads the
 * key) writes each segment to the cache once; the stored bytes are the same as
 * appending one posting at a time.
 */
export class SegmentAppender {
  private readonly open = new Map<string, { buffer: Uint8Array; length: number }>()

  constructor(private readonly cache: CartridgeWriteCache) {}

  /**
   * Appends one posting to the segment at `key` (created when missing) when it holds
   * fewer than `limit` postings; returns false, appending nothing, when it is full.
   */
  tryAppend(key: string, limit: number, docNo: number, termFrequency: number, documentLength: number): boolean {
    let pending = this.open.get(key)
    if (pending === undefined) {
      const stored = this.cache.get(key) as Uint8Array | undefined
      if (stored !== undefined && stored.length >= limit * POSTING_BYTES) return false
      const buffer = new Uint8Array(Math.max(8 * POSTING_BYTES, (stored?.length ?? 0) * 2))
      if (stored !== undefined) buffer.set(stored)
      pending = { buffer, length: stored?.length ?? 0 }
      this.open.set(key, pending)
    } else if (pending.length >= limit * POSTING_BYTES) {
      return false
    }
    if (pending.length + POSTING_BYTES > pending.buffer.length) {
      const grown = new Uint8Array(pending.buffer.length * 2)
      grown.set(pending.buffer.subarray(0, pending.length))
      pending.buffer = grown
    }
    writePosting(pending.buffer, pending.length, docNo, termFrequency, documentLength)
    pending.length += POSTING_BYTES
    return true
  }

  /** Writes the open segment at `key` (if any) to the cache, so other code can read or change it there. */
  release(key: string): void {
    const pending = this.open.get(key)
    if (pending === undefined) return
    this.cache.put(key, pending.buffer.slice(0, pending.length))
    this.open.delete(key)
  }

  /** Writes every open segment to the cache. */
  flush(): void {
    for (const key of [...this.open.keys()]) this.release(key)
  }
}
