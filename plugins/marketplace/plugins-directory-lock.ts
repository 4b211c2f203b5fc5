import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { MarketplaceError } from './marketplace-error.js'

/** The lock file that makes changes to one plugins directory one at a time. */
export const LOCK_FILE = '.lock'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function acquire(path: string): number {
  for (let attempt = 0; ; attempt++) {
    try {
      const descriptor = openSync(path, 'wx', 0o644)
      writeSync(descriptor, String(process.pid))
      return descriptor
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let holder = Number.NaN
      try {
        holder = Number(readFileSync(path, 'utf8'))
      } catch {
        // Removed meanwhile, or not written yet: try again.
      }
      if (attempt === 0 && Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
        rmSync(path, { force: true })
        continue
      }
      throw new MarketplaceError('MARKETPLACE_BUSY', `Another livingdb process${Number.isInteger(holder) ? ` (pid ${holder})` : ''} is installing, updating or removing plugins in this directory (${path} exists). Wait for it to finish; if no such process runs, delete ${path}.`, {
        details: { path, ...(Number.isInteger(holder) ? { pid: holder } : {}) },
      })
    }
  }
}

/**
 * Runs `change` holding the plugins directory's lock file (a lock left by a process that
 * no longer runs is taken over). With the lock held, leftovers of an interrupted change in
 * `staging` are removed first: no other change can be using them.
 */
export async function withPluginsDirectoryLock<T>(args: { readonly pluginsDirectory: string; readonly staging: string }, change: () => Promise<T>): Promise<T> {
  mkdirSync(args.pluginsDirectory, { recursive: true })
  const path = join(args.pluginsDirectory, LOCK_FILE)
  const descriptor = acquire(path)
  try {
    rmSync(join(args.pluginsDirectory, args.staging), { recursive: true, force: true })
    return await change()
  } finally {
    closeSync(descriptor)
    rmSync(path, { force: true })
  }
}
