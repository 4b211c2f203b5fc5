import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/** Opens a directory and fsyncs it so a rename inside it is durable (a no-op where directories cannot be opened). */
export function fsyncDirectory(directory: string): void {
  let descriptor: number | undefined
  try {
    descriptor = openSync(directory, 'r')
    fsyncSync(descriptor)
  } catch {
    // Windows cannot open directories; the rename is still atomic there.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor)
  }
}

/** Writes a file atomically: a temporary sibling, fsync, rename over the target, fsync of the directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`
  try {
    const descriptor = openSync(temporary, 'w', 0o644)
    try {
      writeSync(descriptor, typeof data === 'string' ? Buffer.from(data) : data)
      fsyncSync(descriptor)
    } finally {
      closeSync(descriptor)
    }
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
  fsyncDirectory(dirname(path))
}
