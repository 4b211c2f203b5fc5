import { LivingDbError } from '../../errors/index.js'

/** Smallest supported page size in bytes. */
export const MIN_PAGE_SIZE = 512
/** Largest supported page size in bytes. */
export const MAX_PAGE_SIZE = 65536
/** Default page size in bytes. */
export const DEFAULT_PAGE_SIZE = 4096
/** Bytes of the common header at the start of every page. */
export const PAGE_HEADER_BYTES = 16
/** Largest value in bytes (after encoding: one tag byte plus the payload). */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024
/** Largest keyspace name in UTF-8 bytes. */
export const MAX_KEYSPACE_NAME_BYTES = 128

/**
 * The size limits that follow from a page size. Every leaf must hold at least
 * four entries and every branch at least eight separators, so keys are capped
 * at `min(2048, (pageSize - 16) / 8 - 8)` bytes (502 bytes for 4 KiB pages,
 * 54 bytes for 512-byte pages) and values too big to sit inline in a leaf go
 * to overflow pages.
 */
export interface PageLimits {
  readonly pageSize: number
  /** Largest key in bytes. */
  readonly maxKeyBytes: number
  /** Largest encoded leaf entry (key + value + framing) in bytes; a quarter of the usable page. */
  readonly maxEntryBytes: number
  /** A non-root node smaller than this (encoded bytes) is merged or refilled from a sibling. */
  readonly minFillBytes: number
}

/** Computes {@link PageLimits} for a page size; throws `INVALID_ARGUMENT` for unsupported sizes. */
export function pageLimits(pageSize: number): PageLimits {
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || (pageSize & (pageSize - 1)) !== 0) {
    throw new LivingDbError('INVALID_ARGUMENT', `pageSize must be a power of two between ${MIN_PAGE_SIZE} and ${MAX_PAGE_SIZE} bytes, got ${String(pageSize)}. Use e.g. 4096.`, {
      details: { pageSize },
    })
  }
  const maxEntryBytes = Math.floor((pageSize - PAGE_HEADER_BYTES) / 4)
  return {
    pageSize,
    maxKeyBytes: Math.min(2048, Math.floor((pageSize - PAGE_HEADER_BYTES) / 8) - 8),
    maxEntryBytes,
    minFillBytes: Math.floor(pageSize / 4),
  }
}
