import { MarketplaceError } from './marketplace-error.js'

/**
 * Checks a path from an archive and returns it normalised (`./a//b/` → `a/b`). Refuses,
 * with `MARKETPLACE_ARCHIVE_UNSAFE`, anything that could land outside the directory it is
 * extracted into or mean different things on different systems: absolute paths (`/x`,
 * `C:x`), `..` segments, backslashes, control characters and empty paths.
 */
export function safeEntryPath(raw: string): string {
  const unsafe = (reason: string) =>
    new MarketplaceError('MARKETPLACE_ARCHIVE_UNSAFE', `The package holds an entry named ${JSON.stringify(raw.slice(0, 300))}: ${reason}. The package is refused; ask its publisher to rebuild it with \`livingdb plugins publish\`.`, {
      details: { entry: raw.slice(0, 300), reason },
    })
  if (raw.length === 0) throw unsafe('the name is empty')
  if (raw.startsWith('/')) throw unsafe('it is an absolute path')
  if (/^[A-Za-z]:/.test(raw)) throw unsafe('it is an absolute path with a drive letter')
  if (raw.includes('\\')) throw unsafe('it contains a backslash, a path separator on Windows')
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw unsafe('it contains a control character')
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) throw unsafe('it contains ".." (path traversal)')
  if (segments.length === 0) throw unsafe('it names no file')
  if (segments.some((segment) => segment.length > 255)) throw unsafe('a path segment is longer than 255 characters')
  return segments.join('/')
}

/** A key under which two paths that would collide on a case-insensitive or normalising file system are equal. */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase()
}
