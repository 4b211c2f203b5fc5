import { adjustInMap, listMap, reserveInMap } from './counter-map.js'
import { JsonLinesFile, type JsonLinesRecovery } from './json-lines-file.js'
import type { CounterCharge, CounterEntry, CounterReservation, CounterStore } from './store-types.js'
import { LivingDbError } from '../../errors/index.js'

/** A line of the counter file: a snapshot of values, or amounts added. */
type CounterLine = { readonly set: [string, number][] } | { readonly add: [string, number][] }

/**
 * A {@link CounterStore} kept in memory and logged to a JSON-lines file
 * (`{"add":[[key, amount]...]}` per change; compacted into one `{"set":...}` line on open).
 * Reservations are checked and applied synchronously in memory, then logged in
 * order, so they are atomic within this process. One process per file.
 */
export class FileCounterStore implements CounterStore {
  readonly #values: Map<string, number>
  readonly #file: JsonLinesFile
  #linesSinceSnapshot: number

  private constructor(file: JsonLinesFile, values: Map<string, number>, lines: number) {
    this.#file = file
    this.#values = values
    this.#linesSinceSnapshot = lines
  }

  /** A torn last line dropped when the file was opened, if any. */
  get recovery(): JsonLinesRecovery | undefined {
    return this.#file.recovery
  }

  /**
   * Opens (creating) the counter file at `path`.
   *
   * @example
   * const counters = await FileCounterStore.open({ path: 'data/llm/counters.jsonl' })
   */
  static async open(options: { readonly path: string; readonly fsync?: boolean }): Promise<FileCounterStore> {
    const { file, values: lines } = await JsonLinesFile.open(options)
    const values = new Map<string, number>()
    for (const [index, line] of lines.entries()) applyLine(values, line, options.path, index)
    const store = new FileCounterStore(file, values, lines.length)
    await store.#compactIfLong()
    return store
  }

  async reserve(args: { readonly charges: readonly CounterCharge[] }): Promise<CounterReservation> {
    const result = reserveInMap(this.#values, args.charges)
    if (result.ok) await this.#log(args.charges)
    return result
  }

  async adjust(args: { readonly deltas: readonly { readonly key: string; readonly amount: number }[] }): Promise<readonly number[]> {
    const totals = adjustInMap(this.#values, args.deltas)
    await this.#log(args.deltas)
    return totals
  }

  async entries(args: { readonly prefix?: string } = {}): Promise<readonly CounterEntry[]> {
    return listMap(this.#values, args.prefix)
  }

  /** Logs a change; the line is queued synchronously, so file order is change order. */
  async #log(changes: readonly { readonly key: string; readonly amount: number }[]): Promise<void> {
    this.#linesSinceSnapshot++
    const append = this.#file.append({ add: changes.map((change) => [change.key, change.amount]) } satisfies CounterLine)
    await Promise.all([append, this.#compactIfLong()])
  }

  /** Replaces a long log by one snapshot line (atomic rename), taken now and queued after every earlier append. */
  #compactIfLong(): Promise<void> {
    if (this.#linesSinceSnapshot <= 4 * this.#values.size + 1_000) return Promise.resolve()
    this.#linesSinceSnapshot = 1
    return this.#file.rewrite([{ set: [...this.#values] } satisfies CounterLine])
  }

  /** Waits for pending writes and closes the file. */
  close(): Promise<void> {
    return this.#file.close()
  }
}

function applyLine(values: Map<string, number>, line: unknown, path: string, index: number): void {
  const record = line as Partial<Record<'set' | 'add', unknown>>
  const pairs = record?.set ?? record?.add
  if (!Array.isArray(pairs) || !pairs.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number')) {
    throw new LivingDbError('GUARD_STORE_CORRUPT', `${path}: line ${index + 1} is not a counter record ({"set"|"add": [[key, number], ...]}). Restore the file from a backup or delete it to reset the budgets.`, { details: { path, line: index + 1 } })
  }
  if (record.set !== undefined) values.clear()
  for (const [key, amount] of pairs as [string, number][]) values.set(key, (record.set !== undefined ? 0 : (values.get(key) ?? 0)) + amount)
}
