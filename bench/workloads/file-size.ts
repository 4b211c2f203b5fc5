import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineFigure } from '../workload-result.js'

/**
 * Disk space of a closed database directory: allocated bytes (st_blocks x 512, what the
 * disk really holds; preallocated or sparse files count only what is allocated) with the
 * apparent size and the file count as detail.
 */
export function measureFileSize(directory: string): EngineFigure {
  let allocatedBytes = 0
  let apparentBytes = 0
  let files = 0
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) {
        walk(child)
      } else if (entry.isFile()) {
        const stats = statSync(child)
        allocatedBytes += stats.blocks * 512
        apparentBytes += stats.size
        files++
      }
    }
  }
  walk(directory)
  return { value: allocatedBytes, detail: { apparentBytes, files } }
}
