import { MarketplaceError } from './marketplace-error.js'
import { BLOCK_SIZE, HEADER_FIELDS, headerChecksum } from './tar-format.js'

/** One entry to write with {@link writeTar}. */
export interface TarWriteEntry {
  /** Relative path inside the archive, `/`-separated. */
  readonly path: string
  /** File contents (files only). */
  readonly data?: Uint8Array
  /**
   * Default `file`. The link and device types exist so tests can build the hostile
   * archives the reader must refuse; publishing writes files only.
   */
  readonly type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'fifo'
  /** Target of a link entry. */
  readonly linkTarget?: string
  /** Permission bits; default `0o644` for files, `0o755` for directories. */
  readonly mode?: number
  /** Modification time, seconds since the epoch; default 0 (reproducible archives). */
  readonly mtime?: number
}

const TYPEFLAGS: Record<NonNullable<TarWriteEntry['type']>, string> = { file: '0', directory: '5', symlink: '2', hardlink: '1', 'character-device': '3', fifo: '6' }
const ENCODER = new TextEncoder()

function writeText(header: Uint8Array, name: keyof typeof HEADER_FIELDS, value: string): void {
  const [start, length] = HEADER_FIELDS[name]
  const bytes = ENCODER.encode(value)
  if (bytes.length > length) throw new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', `Cannot write a tar header: ${name} ${JSON.stringify(value.slice(0, 200))} is longer than ${length} bytes. Use shorter file names.`)
  header.set(bytes, start)
}

function writeOctal(header: Uint8Array, name: keyof typeof HEADER_FIELDS, value: number): void {
  const [, length] = HEADER_FIELDS[name]
  const digits = value.toString(8)
  if (digits.length > length - 1) throw new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `Cannot write a tar header: ${name} ${value} does not fit ${length - 1} octal digits.`)
  writeText(header, name, `${digits.padStart(length - 1, '0')}\0`)
}

/** Splits a long path into ustar's `prefix` (≤155 bytes) and `name` (≤100 bytes) at a `/`. */
function splitPath(path: string): { readonly prefix: string; readonly name: string } {
  if (ENCODER.encode(path).length <= 100) return { prefix: '', name: path }
  for (let index = path.indexOf('/'); index !== -1; index = path.indexOf('/', index + 1)) {
    const prefix = path.slice(0, index)
    const name = path.slice(index + 1)
    if (ENCODER.encode(prefix).length <= 155 && ENCODER.encode(name).length <= 100 && name.length > 0) return { prefix, name }
  }
  throw new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', `Cannot write ${JSON.stringify(path.slice(0, 300))} to a ustar archive: the path is too long (at most a 155-byte directory part and a 100-byte name). Shorten it.`)
}

/**
 * Writes a POSIX ustar archive (uncompressed). Reproducible: owner 0/0, no user or
 * group names, `mtime` 0 unless given, entries in the order given.
 *
 * @example
 * const tar = writeTar([{ path: 'package/index.js', data: new TextEncoder().encode('export default {}') }])
 */
export function writeTar(entries: readonly TarWriteEntry[]): Uint8Array {
  const blocks: Uint8Array[] = []
  let total = 0
  for (const entry of entries) {
    const type = entry.type ?? 'file'
    const data = type === 'file' ? (entry.data ?? new Uint8Array(0)) : new Uint8Array(0)
    const header = new Uint8Array(BLOCK_SIZE)
    const { prefix, name } = splitPath(type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path)
    writeText(header, 'name', name)
    writeText(header, 'prefix', prefix)
    writeOctal(header, 'mode', entry.mode ?? (type === 'directory' ? 0o755 : 0o644))
    writeOctal(header, 'uid', 0)
    writeOctal(header, 'gid', 0)
    writeOctal(header, 'size', data.length)
    writeOctal(header, 'mtime', entry.mtime ?? 0)
    writeText(header, 'typeflag', TYPEFLAGS[type])
    if (entry.linkTarget !== undefined) writeText(header, 'linkname', entry.linkTarget)
    writeText(header, 'magic', 'ustar\0')
    writeText(header, 'version', '00')
    writeOctal(header, 'devmajor', 0)
    writeOctal(header, 'devminor', 0)
    const checksum = headerChecksum(header)
    writeText(header, 'checksum', `${checksum.toString(8).padStart(6, '0')}\0 `)
    blocks.push(header)
    const padded = new Uint8Array(Math.ceil(data.length / BLOCK_SIZE) * BLOCK_SIZE)
    padded.set(data)
    blocks.push(padded)
    total += BLOCK_SIZE + padded.length
  }
  const archive = new Uint8Array(total + 2 * BLOCK_SIZE)
  let offset = 0
  for (const block of blocks) {
    archive.set(block, offset)
    offset += block.length
  }
  return archive
}
