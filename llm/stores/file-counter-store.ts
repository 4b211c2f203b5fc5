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

  private constructor(file: JsonLinesFile, values: Map<string, number>) {
    this.#file = file
    this.#values = values
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
    if (lines.length > values.size + 64) await file.rewrite([{ set: [...values] } satisfies CounterLine])
    return new FileCounterStore(file, values)
  }

  async reserve(args: { readonly charges: readonly CounterCharge[] }): Promise<CounterReservation> {
    const result = reserveInMap(this.#values, args.charges)
    if (result.ok) await this.#file.append({ add: args.charges.map((charge) => [charge.key, charge.amount]) } satisfies CounterLine)
    return result
  }

  async adjust(args: { readonly deltas: readonly { readonly key: string; readonly amount: number }[] }): Promise<readonly number[]> {
    const totals = adjustInMap(this.#values, args.deltas)
    await this.#file.append({ add: args.deltas.map((delta) => [delta.key, delta.amount]) } satisfies CounterLine)
    return totals
  }

  async entries(args: { readonly prefix?: string } = {}): Promise<readonly CounterEntry[]> {
    return listMap(this.#values, args.prefix)
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
