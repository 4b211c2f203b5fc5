import { MarketplaceError } from './marketplace-error.js'
import { collisionKey, safeEntryPath } from './tar-entry-path.js'
import { BLOCK_SIZE, DEFAULT_TAR_LIMITS, ENTRY_TYPES, HEADER_FIELDS, headerChecksum, type TarLimits } from './tar-format.js'

/** One entry of an archive as {@link readTar} returns it: plain files and directories only. */
export interface TarEntry {
  /** Normalised relative path (`a/b.js`), checked by `safeEntryPath`. */
  readonly path: string
  readonly type: 'file' | 'directory'
  /** Permission bits (`0o644`). */
  readonly mode: number
  /** File contents (empty for directories). */
  readonly data: Uint8Array
}

/** Arguments of {@link readTar}. */
export interface ReadTarArgs {
  readonly bytes: Uint8Array
  readonly limits?: Partial<TarLimits>
}

/** Largest pax extended header accepted, bytes. */
const MAX_PAX_BYTES = 64 * 1024
const DECODER = new TextDecoder('utf-8', { fatal: true })
type HeaderField = keyof typeof HEADER_FIELDS

function invalid(message: string, details: Record<string, unknown> = {}): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', `The package archive is malformed: ${message}. The package is refused; ask its publisher to rebuild it with \`livingdb plugins publish\`.`, { details })
}

function unsafe(path: string, reason: string): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_ARCHIVE_UNSAFE', `The package holds ${JSON.stringify(path.slice(0, 300))}, which ${reason}. Packages may contain plain files and directories only; the package is refused.`, {
    details: { entry: path.slice(0, 300), reason },
  })
}

function tooLarge(message: string, details: Record<string, unknown>): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The package is too large: ${message}. Refused; a plugin package should hold only its built files.`, { details })
}

function field(header: Uint8Array, name: HeaderField): Uint8Array {
  const [start, length] = HEADER_FIELDS[name]
  return header.subarray(start, start + length)
}

/** A text field: bytes up to the first NUL, strict UTF-8. */
function text(header: Uint8Array, name: HeaderField, offset: number): string {
  const bytes = field(header, name)
  const end = bytes.indexOf(0)
  try {
    return DECODER.decode(end === -1 ? bytes : bytes.subarray(0, end))
  } catch {
    throw invalid(`the ${name} field of the header at byte ${offset} is not UTF-8`, { offset, field: name })
  }
}

/** An octal number field: optional leading spaces, octal digits, then NULs or spaces only. */
function octal(header: Uint8Array, name: HeaderField, offset: number): number {
  const bytes = field(header, name)
  if ((bytes[0]! & 0x80) !== 0) throw invalid(`the ${name} field of the header at byte ${offset} uses base-256 encoding, which this format does not allow`, { offset, field: name })
  let index = 0
  while (index < bytes.length && bytes[index] === 0x20) index++
  let value = 0
  let digits = 0
  for (; index < bytes.length; index++) {
    const byte = bytes[index]!
    if (byte < 0x30 || byte > 0x37) break
    value = value * 8 + (byte - 0x30)
    digits++
  }
  for (; index < bytes.length; index++) {
    if (bytes[index] !== 0 && bytes[index] !== 0x20) throw invalid(`the ${name} field of the header at byte ${offset} is not an octal number`, { offset, field: name })
  }
  if (digits === 0 && name !== 'devmajor' && name !== 'devminor' && name !== 'uid' && name !== 'gid' && name !== 'mtime') {
    throw invalid(`the ${name} field of the header at byte ${offset} is empty`, { offset, field: name })
  }
  if (!Number.isSafeInteger(value)) throw invalid(`the ${name} field of the header at byte ${offset} is out of range`, { offset, field: name })
  return value
}

function isZeroBlock(bytes: Uint8Array, offset: number): boolean {
  for (let index = offset; index < offset + BLOCK_SIZE; index++) if (bytes[index] !== 0) return false
  return true
}

/** Parses a pax extended header (`"<length> <key>=<value>\n"` records) strictly. */
function parsePax(data: Uint8Array, offset: number): Map<string, string> {
  const records = new Map<string, string>()
  let position = 0
  while (position < data.length) {
    let space = position
    while (space < data.length && space - position < 10 && data[space] !== 0x20) space++
    const lengthText = String.fromCharCode(...data.subarray(position, space))
    if (data[space] !== 0x20 || !/^[1-9]\d*$/.test(lengthText)) throw invalid(`a pax header record at byte ${offset} has no valid length`, { offset })
    const length = Number(lengthText)
    if (position + length > data.length || data[position + length - 1] !== 0x0a) throw invalid(`a pax header record at byte ${offset} overruns its header`, { offset })
    let record: string
    try {
      record = DECODER.decode(data.subarray(space + 1, position + length - 1))
    } catch {
      throw invalid(`a pax header record at byte ${offset} is not UTF-8`, { offset })
    }
    const equals = record.indexOf('=')
    if (equals <= 0) throw invalid(`a pax header record at byte ${offset} has no key`, { offset })
    records.set(record.slice(0, equals), record.slice(equals + 1))
    position += length
  }
  return records
}

/**
 * Reads a POSIX ustar archive strictly, holding everything in memory within `limits`.
 * Only regular files and directories come out; pax headers may rename the next entry
 * (`path`) and are otherwise ignored. Every malformed input is a typed error, never a
 * crash: `MARKETPLACE_ARCHIVE_INVALID` (bad magic, checksum, number field, truncation,
 * trailing garbage), `MARKETPLACE_ARCHIVE_UNSAFE` (absolute or `..` paths, backslashes,
 * symbolic or hard links, devices, FIFOs, duplicate or colliding names) and
 * `MARKETPLACE_PACKAGE_TOO_LARGE` (entry count, file size, total size).
 *
 * @example
 * const entries = readTar({ bytes: gunzipped, limits: { maxFileBytes: 1 << 20 } })
 */
export function readTar(args: ReadTarArgs): TarEntry[] {
  const limits: TarLimits = { ...DEFAULT_TAR_LIMITS, ...args.limits }
  const { bytes } = args
  if (bytes.length % BLOCK_SIZE !== 0) throw invalid(`its length ${bytes.length} is not a multiple of ${BLOCK_SIZE} bytes (truncated or padded)`, { length: bytes.length })
  const entries: TarEntry[] = []
  const seen = new Map<string, 'file' | 'directory'>()
  let totalBytes = 0
  let headers = 0
  let pendingPath: string | undefined
  let offset = 0
  for (;;) {
    if (offset + BLOCK_SIZE > bytes.length) throw invalid('it ends without the two zero blocks that close an archive (truncated)', { offset })
    if (isZeroBlock(bytes, offset)) {
      if (offset + 2 * BLOCK_SIZE > bytes.length || !isZeroBlock(bytes, offset + BLOCK_SIZE)) throw invalid(`a lone zero block at byte ${offset} (truncated or corrupt)`, { offset })
      for (let index = offset + 2 * BLOCK_SIZE; index < bytes.length; index++) if (bytes[index] !== 0) throw invalid(`non-zero bytes follow the end of the archive at byte ${index}`, { offset: index })
      if (pendingPath !== undefined) throw invalid('a pax header is the last entry', { offset })
      return entries
    }
    if (++headers > limits.maxEntries) throw tooLarge(`it holds more than ${limits.maxEntries} entries`, { maxEntries: limits.maxEntries })
    const header = bytes.subarray(offset, offset + BLOCK_SIZE)
    const magic = field(header, 'magic')
    const version = field(header, 'version')
    const isUstar = magic[0] === 0x75 && magic[1] === 0x73 && magic[2] === 0x74 && magic[3] === 0x61 && magic[4] === 0x72 && magic[5] === 0 && version[0] === 0x30 && version[1] === 0x30
    if (!isUstar) throw invalid(`the header at byte ${offset} is not a POSIX ustar header (magic "ustar\\0", version "00")`, { offset })
    if (octal(header, 'checksum', offset) !== headerChecksum(header)) throw invalid(`the header at byte ${offset} fails its checksum`, { offset })
    const size = octal(header, 'size', offset)
    const mode = octal(header, 'mode', offset) & 0o7777
    const typeflag = String.fromCharCode(header[HEADER_FIELDS.typeflag[0]]!)
    const prefix = text(header, 'prefix', offset)
    const headerName = prefix.length > 0 ? `${prefix}/${text(header, 'name', offset)}` : text(header, 'name', offset)
    const name = pendingPath ?? headerName
    pendingPath = undefined
    const type = (ENTRY_TYPES as Record<string, (typeof ENTRY_TYPES)[keyof typeof ENTRY_TYPES] | undefined>)[typeflag]
    if (type === undefined) throw unsafe(name, `has entry type ${JSON.stringify(typeflag)}, which is not a plain file or directory`)
    if (type === 'symlink' || type === 'hardlink') throw unsafe(name, `is a ${type === 'symlink' ? 'symbolic' : 'hard'} link (to ${JSON.stringify(text(header, 'linkname', offset).slice(0, 200))})`)
    if (type === 'character-device' || type === 'block-device' || type === 'fifo' || type === 'contiguous-file') throw unsafe(name, `is a ${type}`)
    const dataStart = offset + BLOCK_SIZE
    const isPax = type === 'pax-header' || type === 'pax-global-header'
    if (isPax ? size > MAX_PAX_BYTES : type === 'file' && size > limits.maxFileBytes) {
      throw tooLarge(`${JSON.stringify(name.slice(0, 200))} is ${size} bytes, over the limit of ${isPax ? MAX_PAX_BYTES : limits.maxFileBytes}`, { entry: name.slice(0, 200), size, limit: isPax ? MAX_PAX_BYTES : limits.maxFileBytes })
    }
    if (type === 'directory' && size !== 0) throw invalid(`the directory ${JSON.stringify(name.slice(0, 200))} has a size of ${size}`, { offset })
    const dataEnd = dataStart + size
    if (dataEnd > bytes.length) throw invalid(`the entry at byte ${offset} claims ${size} bytes but the archive ends first (truncated)`, { offset, size })
    const data = bytes.subarray(dataStart, dataEnd)
    offset = dataStart + Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE
    if (isPax) {
      const records = parsePax(data, dataStart)
      if (records.has('size')) throw invalid(`the pax header at byte ${dataStart} overrides an entry size, which this format does not allow`, { offset: dataStart })
      if (type === 'pax-header' && records.has('path')) pendingPath = records.get('path')!
      continue
    }
    const path = safeEntryPath(name)
    const key = collisionKey(path)
    if (seen.has(key)) {
      if (type === 'directory' && seen.get(key) === 'directory') continue
      throw unsafe(path, 'appears twice (or collides with another entry on case-insensitive file systems)')
    }
    const segments = path.split('/')
    for (let depth = 1; depth < segments.length; depth++) {
      const parent = collisionKey(segments.slice(0, depth).join('/'))
      if (seen.get(parent) === 'file') throw unsafe(path, `lies below ${JSON.stringify(segments.slice(0, depth).join('/'))}, which is a file`)
      if (!seen.has(parent)) seen.set(parent, 'directory')
    }
    if (type === 'file') {
      totalBytes += size
      if (totalBytes > limits.maxTotalBytes) throw tooLarge(`its files add up to more than ${limits.maxTotalBytes} bytes`, { maxTotalBytes: limits.maxTotalBytes })
    }
    seen.set(key, type)
    entries.push({ path, type, mode, data: type === 'file' ? data.slice() : new Uint8Array(0) })
  }
}
