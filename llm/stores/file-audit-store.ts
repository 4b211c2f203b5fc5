import { readFile } from 'node:fs/promises'
import { JsonLinesFile, type JsonLinesRecovery } from './json-lines-file.js'
import type { AuditHead, AuditReadResult, AuditStore } from './store-types.js'
import { writeFileAtomically } from './write-file-atomically.js'

/**
 * An {@link AuditStore} over a JSON-lines file of records plus a small head file
 * (`<path>.head.json`, `{ seq, hash }` of the last record, replaced atomically after
 * each append). Comparing the two is how a cut-off tail is detected. A torn last
 * record line (a crash mid-append) is ignored, cut off and reported in `tornTail`.
 * One process per file.
 */
export class FileAuditStore implements AuditStore {
  readonly #file: JsonLinesFile
  readonly #headPath: string
  readonly #recovery: JsonLinesRecovery | undefined
  readonly #fsync: boolean
  #headQueue: Promise<void> = Promise.resolve()

  private constructor(file: JsonLinesFile, headPath: string, fsync: boolean) {
    this.#file = file
    this.#fsync = fsync
    this.#headPath = headPath
    this.#recovery = file.recovery
  }

  /** A torn last line dropped when the file was opened, if any. */
  get recovery(): JsonLinesRecovery | undefined {
    return this.#recovery
  }

  /**
   * Opens (creating) the audit log at `path`.
   *
   * @example
   * const audit = await FileAuditStore.open({ path: 'data/llm/audit.jsonl' })
   * const report = await verifyAuditLog(audit)
   */
  static async open(options: { readonly path: string; readonly fsync?: boolean }): Promise<FileAuditStore> {
    // Damage before the last line is left for verifyAuditLog to report, not refused here.
    const { file } = await JsonLinesFile.open({ ...options, parse: false })
    return new FileAuditStore(file, `${options.path}.head.json`, options.fsync ?? false)
  }

  async append(record: Readonly<Record<string, unknown>> & { readonly seq: number; readonly hash: string }): Promise<void> {
    await this.#file.append(record)
    const head = JSON.stringify({ seq: record.seq, hash: record.hash } satisfies AuditHead)
    const write = this.#headQueue.then(() => writeFileAtomically({ path: this.#headPath, text: head, fsync: this.#fsync }))
    this.#headQueue = write.catch(() => undefined)
    await write
  }

  async readAll(): Promise<AuditReadResult> {
    await this.#file.flush()
    const text = await readFile(this.#file.path, 'utf8')
    const records: unknown[] = []
    const lines = text.split('\n')
    const last = lines.pop() ?? ''
    let offset = 0
    let tornTail: AuditReadResult['tornTail'] = this.#recovery
    for (const [index, line] of lines.entries()) {
      if (line.trim() !== '') {
        try {
          records.push(JSON.parse(line))
        } catch {
          // Unparsable line: keep a marker so verification reports it at its index.
          if (index === lines.length - 1 && last === '') tornTail = { offset, bytes: Buffer.byteLength(line) + 1 }
          else records.push({ unparsable: line.slice(0, 200) })
        }
      }
      offset += Buffer.byteLength(line) + 1
    }
    if (last !== '') tornTail = { offset, bytes: Buffer.byteLength(last) }
    return tornTail === undefined ? { records } : { records, tornTail }
  }

  async readHead(): Promise<AuditHead | undefined> {
    await this.#headQueue
    try {
      const head = JSON.parse(await readFile(this.#headPath, 'utf8')) as AuditHead
      return typeof head?.seq === 'number' && typeof head.hash === 'string' ? { seq: head.seq, hash: head.hash } : undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined
      throw error
    }
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#headQueue
    await this.#file.close()
  }
}
