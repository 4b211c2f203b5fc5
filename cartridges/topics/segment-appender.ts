import type { CartridgeWriteCache } from '../spec/index.js'
import { POSTING_BYTES, appendPosting, postingCount } from './postings-segment.js'

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

  /** Postings in the segment at `key` (0 when it does not exist). */
  count(key: string): number {
    const pending = this.open.get(key)
    if (pending !== undefined) return pending.length / POSTING_BYTES
    const stored = this.cache.get(key) as Uint8Array | undefined
    return stored === undefined ? 0 : postingCount(stored)
  }

  /** Appends one posting to the segment at `key` (created when missing). */
  append(key: string, docNo: number, termFrequency: number, documentLength: number): void {
    let pending = this.open.get(key)
    if (pending === undefined) {
      const stored = this.cache.get(key) as Uint8Array | undefined
      const buffer = new Uint8Array(Math.max(8 * POSTING_BYTES, (stored?.length ?? 0) * 2))
      if (stored !== undefined) buffer.set(stored)
      pending = { buffer, length: stored?.length ?? 0 }
      this.open.set(key, pending)
    }
    if (pending.length + POSTING_BYTES > pending.buffer.length) {
      const grown = new Uint8Array(pending.buffer.length * 2)
      grown.set(pending.buffer.subarray(0, pending.length))
      pending.buffer = grown
    }
    const one = appendPosting(undefined, docNo, termFrequency, documentLength)
    pending.buffer.set(one, pending.length)
    pending.length += POSTING_BYTES
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
