import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { LivingDbError } from '../../errors/index.js'
import { writeFileAtomically } from './write-file-atomically.js'

/** What {@link JsonLinesFile.open} found and repaired. */
export interface JsonLinesRecovery {
  /** Byte offset where an incomplete (torn) last line started; it was ignored and cut off. */
  readonly offset: number
  /** Length of the torn fragment in bytes. */
  readonly bytes: number
}

/** Options of {@link JsonLinesFile.open}. */
export interface JsonLinesFileOptions {
  readonly path: string
  /** fsync after every append and rewrite (slower; survives power loss, not just a crash). Default false. */
  readonly fsync?: boolean
  /**
   * Parse every line and refuse a damaged one before the last (default true). With
   * false, only the last line is checked (for a torn write) and `values` is empty:
   * for files whose reader reports damage itself, like the audit log.
   */
  readonly parse?: boolean
}

/**
 * A crash-tolerant JSON-lines file: one JSON value per line, appended in order.
 *
 * On open, an incomplete or unparsable LAST line (a write torn by a crash) is
 * ignored, reported in `recovery`, and cut off so later appends start on a clean
 * line. A damaged line before the last one is refused with `GUARD_STORE_CORRUPT`
 * (never silently dropped). Appends are queued, so they land in call order;
 * `rewrite` replaces the whole file atomically (temporary file + rename).
 */
export class JsonLinesFile {
  readonly path: string
  /** Set when `open` dropped a torn last line. */
  readonly recovery: JsonLinesRecovery | undefined
  readonly #fsync: boolean
  #handle: FileHandle
  #queue: Promise<void> = Promise.resolve()

  private constructor(path: string, handle: FileHandle, fsync: boolean, recovery: JsonLinesRecovery | undefined) {
    this.path = path
    this.#handle = handle
    this.#fsync = fsync
    this.recovery = recovery
  }

  /**
   * Opens (creating if needed) the file and returns it with every complete line parsed.
   *
   * @example
   * const { file, values } = await JsonLinesFile.open({ path: 'audit.jsonl' })
   * await file.append({ seq: values.length })
   */
  static async open(options: JsonLinesFileOptions): Promise<{ file: JsonLinesFile; values: unknown[] }> {
    await mkdir(dirname(options.path), { recursive: true })
    let bytes: Buffer
    try {
      bytes = await readFile(options.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      bytes = Buffer.alloc(0)
    }
    const { values, goodLength } = parseLines(bytes, options.path, options.parse ?? true)
    const recovery = goodLength < bytes.length ? { offset: goodLength, bytes: bytes.length - goodLength } : undefined
    const handle = await open(options.path, 'a+')
    if (recovery !== undefined) await handle.truncate(goodLength)
    return { file: new JsonLinesFile(options.path, handle, options.fsync ?? false, recovery), values }
  }

  /** Appends one value as a line; resolves once written (and fsynced when asked). */
  append(value: unknown): Promise<void> {
    const line = JSON.stringify(value) + '\n'
    return this.#enqueue(async () => {
      await this.#handle.write(line)
      if (this.#fsync) await this.#handle.sync()
    })
  }

  /** Atomically replaces the file's content with `values` (temporary file, fsync, rename). */
  rewrite(values: readonly unknown[]): Promise<void> {
    const text = values.map((value) => JSON.stringify(value) + '\n').join('')
    return this.#enqueue(async () => {
      await writeFileAtomically({ path: this.path, text, fsync: true })
      await this.#handle.close()
      this.#handle = await open(this.path, 'a+')
    })
  }

  /** Resolves once every append and rewrite queued so far has landed. */
  flush(): Promise<void> {
    return this.#queue
  }

  /** Waits for queued writes, then closes the file. */
  close(): Promise<void> {
    return this.#enqueue(() => this.#handle.close())
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task)
    // Keep the queue alive after a failed write; the failure goes to that write's caller.
    this.#queue = run.catch(() => undefined)
    return run
  }
}

/** Parses complete lines; stops at a torn last line and returns how many bytes were good. */
function parseLines(bytes: Buffer, path: string, parseAll: boolean): { values: unknown[]; goodLength: number } {
  const values: unknown[] = []
  let start = 0
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start)
    if (end === -1) return { values, goodLength: start } // no newline: torn last line
    const isLast = end === bytes.length - 1
    const text = parseAll || isLast ? bytes.toString('utf8', start, end) : ''
    if (text.trim() !== '') {
      try {
        const value: unknown = JSON.parse(text)
        if (parseAll) values.push(value)
      } catch (error) {
        if (isLast) return { values, goodLength: start } // damaged last line: torn
        throw new LivingDbError(
          'GUARD_STORE_CORRUPT',
          `${path}: line at byte offset ${start} is not valid JSON, and more lines follow it, so it is damage rather than a torn write. ` +
            'Restore the file from a backup, or cut the file at that offset to keep only the records before it.',
          { cause: error, details: { path, offset: start } },
        )
      }
    }
    start = end + 1
  }
  return { values, goodLength: start }
}
