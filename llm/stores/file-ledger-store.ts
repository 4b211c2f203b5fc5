import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LivingDbError } from '../../errors/index.js'
import type { LedgerStore } from './store-types.js'
import { writeFileAtomically } from './write-file-atomically.js'

const SAFE_KEY = /^[A-Za-z0-9_-]{1,200}$/

/**
 * A {@link LedgerStore} with one file per entry (`<directory>/<first two chars>/<key>.json`),
 * each written to a temporary file and renamed into place, so an entry is either
 * complete or absent after a crash. Keys are the ledger's sha256 hashes; other keys
 * must be made of letters, digits, `_` and `-`.
 */
export class FileLedgerStore implements LedgerStore {
  readonly directory: string

  /** @param directory where entries live; created on the first write. */
  constructor(directory: string) {
    this.directory = directory
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.#pathOf(key), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async put(key: string, value: string): Promise<void> {
    const path = this.#pathOf(key)
    await mkdir(join(this.directory, key.slice(0, 2)), { recursive: true })
    await writeFileAtomically({ path, text: value, fsync: true })
  }

  #pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) {
      throw new LivingDbError('INVALID_ARGUMENT', `Ledger key ${JSON.stringify(key.slice(0, 80))} cannot be a file name; use letters, digits, "_" and "-" only (the ledger guard uses sha256 hex).`, { details: { key: key.slice(0, 200) } })
    }
    return join(this.directory, key.slice(0, 2), `${key}.json`)
  }
}
