import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Cartridge, openCartridge } from '../../cartridges/spec/index.js'
import { createHistoryCartridge } from '../../cartridges/temporal/index.js'
import { createTasksCartridge } from '../../cartridges/tasks/index.js'
import { createTopicsCartridge } from '../../cartridges/topics/index.js'
import { open, type Database, type JsonValue } from '../../core/index.js'
import { createFieldIndexCartridge } from '../field-index/index.js'
import { embedAllRecords, optionalCartridges } from './optional-cartridges.js'

/** One line of examples/sample-store.jsonl. */
export interface SampleRecord {
  readonly key: string
  readonly value: { readonly [field: string]: JsonValue }
}

/** The sample company dataset (examples/sample-store.jsonl), in file order. */
export function readSampleRecords(): SampleRecord[] {
  const path = fileURLToPath(new URL('../../examples/sample-store.jsonl', import.meta.url))
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SampleRecord)
}

/** The built-in cartridges `ask` uses, configured for a dataset under the default keyspace. */
export function sampleCartridges(): Cartridge[] {
  return [createTopicsCartridge(), createHistoryCartridge(), createTasksCartridge(), createFieldIndexCartridge(), ...optionalCartridges()]
}

/** A change applied after the import, in one commit: fields merged into the record under `key`. */
export interface SampleUpdate {
  readonly key: string
  readonly set: { readonly [field: string]: JsonValue }
}

/**
 * An in-memory database loaded with `records` (batches of `batchSize` per commit, so the
 * import is txns 1..n), then `updates` in one more commit, then every cartridge built.
 */
export async function openSampleDatabase(args: { readonly records?: readonly SampleRecord[]; readonly batchSize?: number; readonly updates?: readonly SampleUpdate[]; readonly cartridges?: readonly Cartridge[] } = {}): Promise<{ db: Database; cartridges: Cartridge[] }> {
  const db = await open({ durability: 'none', timeTravelTxns: 64 })
  const records = args.records ?? readSampleRecords()
  const batchSize = args.batchSize ?? 20
  for (let start = 0; start < records.length; start += batchSize) {
    await db.write((transaction) => {
      for (const record of records.slice(start, start + batchSize)) transaction.put(record.key, record.value)
    })
  }
  if (args.updates !== undefined && args.updates.length > 0) {
    await db.write((transaction) => {
      for (const update of args.updates!) {
        const current = transaction.get(update.key)
        if (typeof current !== 'object' || current === null || Array.isArray(current) || current instanceof Uint8Array) throw new Error(`Sample update names ${update.key}, which is not a record.`)
        transaction.put(update.key, { ...(current as { readonly [field: string]: JsonValue }), ...update.set })
      }
    })
  }
  await embedAllRecords(db)
  const cartridges = [...(args.cartridges ?? sampleCartridges())]
  for (const cartridge of cartridges) await openCartridge({ db, cartridge })
  return { db, cartridges }
}
