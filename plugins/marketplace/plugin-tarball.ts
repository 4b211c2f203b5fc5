import { gunzipSync, gzipSync } from 'node:zlib'
import { MarketplaceError } from './marketplace-error.js'
import { DEFAULT_TAR_LIMITS, type TarLimits } from './tar-format.js'
import { readTar } from './tar-reader.js'
import { writeTar } from './tar-writer.js'

/** Every file of a package lives under this directory in its tarball (as in npm's tarballs). */
export const PACKAGE_ROOT = 'package'

/** Install limits: the archive limits plus the size of the compressed package. */
export interface PackageLimits extends TarLimits {
  /** Largest compressed package (the `.tgz`), bytes. Default 16 MiB. */
  readonly maxPackageBytes: number
}

/** The default {@link PackageLimits}. */
export const DEFAULT_PACKAGE_LIMITS: PackageLimits = { ...DEFAULT_TAR_LIMITS, maxPackageBytes: 16 * 1024 * 1024 }

/** One file of a package: its path relative to the package root and its bytes. */
export interface PackageFile {
  readonly path: string
  readonly data: Uint8Array
  /** Permission bits (default `0o644`). */
  readonly mode?: number
}

/**
 * Packs files into a reproducible `.tgz` (gzip over ustar) with every path under
 * `package/`, the layout npm uses, so one tarball serves both kinds of registry.
 *
 * @example
 * const tarball = packTarball([{ path: 'livingdb-plugin.json', data: manifestBytes }, { path: 'index.js', data: code }])
 */
export function packTarball(files: readonly PackageFile[]): Uint8Array {
  const sorted = [...files].sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0))
  const tar = writeTar(sorted.map((file) => ({ path: `${PACKAGE_ROOT}/${file.path}`, data: file.data, ...(file.mode === undefined ? {} : { mode: file.mode }) })))
  return new Uint8Array(gzipSync(tar, { level: 9 }))
}

/**
 * Unpacks a `.tgz` in memory within `limits` and returns its files by path (relative to
 * `package/`). Refuses oversized packages (`MARKETPLACE_PACKAGE_TOO_LARGE`, checked
 * before and while decompressing, so a gzip bomb stops at the limit), bad gzip or tar
 * (`MARKETPLACE_ARCHIVE_INVALID`) and unsafe entries (`MARKETPLACE_ARCHIVE_UNSAFE`).
 */
export function unpackTarball(args: { readonly bytes: Uint8Array; readonly limits?: Partial<PackageLimits> }): Map<string, PackageFile> {
  const limits: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS, ...args.limits }
  const { bytes } = args
  if (bytes.length > limits.maxPackageBytes) {
    throw new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The package is ${bytes.length} bytes, over the limit of ${limits.maxPackageBytes}. Refused; raise the limit only for a publisher you trust.`, {
      details: { size: bytes.length, maxPackageBytes: limits.maxPackageBytes },
    })
  }
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', 'The package is not gzip-compressed (a plugin package is a .tgz). Refused.')
  const maxOutputLength = limits.maxTotalBytes + (limits.maxEntries + 2) * 1024 + 64 * 1024
  let tar: Uint8Array
  try {
    tar = new Uint8Array(gunzipSync(bytes, { maxOutputLength }))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The package decompresses to more than ${maxOutputLength} bytes (a gzip bomb, or a package over the limits). Refused.`, { details: { maxOutputLength } })
    }
    throw new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', `The package is not valid gzip: ${(error as Error).message}. Refused.`)
  }
  const files = new Map<string, PackageFile>()
  for (const entry of readTar({ bytes: tar, limits })) {
    const [root, ...rest] = entry.path.split('/')
    if (root !== PACKAGE_ROOT) {
      throw new MarketplaceError('MARKETPLACE_ARCHIVE_INVALID', `The package holds ${JSON.stringify(entry.path.slice(0, 200))} outside its "${PACKAGE_ROOT}/" directory. Refused; rebuild it with \`livingdb plugins publish\`.`)
    }
    if (entry.type === 'file' && rest.length > 0) files.set(rest.join('/'), { path: rest.join('/'), data: entry.data, mode: entry.mode })
  }
  return files
}
