/**
 * One postings segment: fixed 10-byte entries `docNo u32 | tf u16 | docLength u32`
 * (little-endian), at most `segmentSize` of them. The document length rides along so
 * scoring never looks a document up. Term frequencies above 65,535 are stored as 65,535.
 */
export const POSTING_BYTES = 10

/** The largest term frequency a posting stores. */
export const MAX_STORED_TF = 0xffff

/** Number of postings in a segment value. */
export function postingCount(segment: Uint8Array): number {
  return (segment.length / POSTING_BYTES) | 0
}

/** A copy of `segment` with one posting appended. */
export function appendPosting(segment: Uint8Array | undefined, docNo: number, termFrequency: number, documentLength: number): Uint8Array {
  const length = segment?.length ?? 0
  const next = new Uint8Array(length + POSTING_BYTES)
  if (segment !== undefined) next.set(segment)
  writePosting(next, length, docNo, termFrequency, documentLength)
  return next
}

/** A copy of `segment` without the posting of `docNo` (the same array when it has none). */
export function removePosting(segment: Uint8Array, docNo: number): Uint8Array {
  for (let offset = 0; offset < segment.length; offset += POSTING_BYTES) {
    if (readUint32(segment, offset) === docNo) {
      const next = new Uint8Array(segment.length - POSTING_BYTES)
      next.set(segment.subarray(0, offset))
      next.set(segment.subarray(offset + POSTING_BYTES), offset)
      return next
    }
  }
  return segment
}

/** Writes one posting at `offset` of `target` (the term frequency is capped at {@link MAX_STORED_TF}). */
export function writePosting(target: Uint8Array, offset: number, docNo: number, termFrequency: number, documentLength: number): void {
  termFrequency = Math.min(termFrequency, MAX_STORED_TF)
  target[offset] = docNo & 0xff
  target[offset + 1] = (docNo >>> 8) & 0xff
  target[offset + 2] = (docNo >>> 16) & 0xff
  target[offset + 3] = (docNo >>> 24) & 0xff
  target[offset + 4] = termFrequency & 0xff
  target[offset + 5] = (termFrequency >>> 8) & 0xff
  target[offset + 6] = documentLength & 0xff
  target[offset + 7] = (documentLength >>> 8) & 0xff
  target[offset + 8] = (documentLength >>> 16) & 0xff
  target[offset + 9] = (documentLength >>> 24) & 0xff
}

/** The u32 at `offset` (little-endian). */
export function readUint32(source: Uint8Array, offset: number): number {
  return (source[offset]! | (source[offset + 1]! << 8) | (source[offset + 2]! << 16)) + source[offset + 3]! * 0x1000000
}
