/** Size of one tar block and of a header. */
export const BLOCK_SIZE = 512

/** Byte offsets and lengths of the POSIX ustar header fields. */
export const HEADER_FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>

/** The ustar entry types this package format knows, by typeflag character. */
export const ENTRY_TYPES = {
  '0': 'file',
  '\0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  '7': 'contiguous-file',
  x: 'pax-header',
  g: 'pax-global-header',
} as const

/** An entry type as a word (`file`, `symlink`...). */
export type TarEntryType = (typeof ENTRY_TYPES)[keyof typeof ENTRY_TYPES]

/** Limits a reader enforces so a hostile archive cannot exhaust memory or disk. */
export interface TarLimits {
  /** Most entries (files, directories, headers). Default 10,000. */
  readonly maxEntries: number
  /** Largest single file, bytes. Default 16 MiB. */
  readonly maxFileBytes: number
  /** Largest sum of file sizes, bytes. Default 64 MiB. */
  readonly maxTotalBytes: number
}

/** The default {@link TarLimits}. */
export const DEFAULT_TAR_LIMITS: TarLimits = { maxEntries: 10_000, maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 }

/** Sums the header bytes with the checksum field read as eight spaces (unsigned, as ustar specifies). */
export function headerChecksum(header: Uint8Array): number {
  const [start, length] = HEADER_FIELDS.checksum
  let sum = 0
  for (let index = 0; index < BLOCK_SIZE; index++) sum += index >= start && index < start + length ? 0x20 : header[index]!
  return sum
}
