/**
 * Ingestion benchmark, end to end: app commits → extraction plugin (offline provider,
 * in a worker, through the plugin host) → every available cartridge, live.
 * Run: node --import tsx bench/cartridges-ingest.bench.ts [--records 20000] [--per-commit 100] [--seed 7]
 *        [--memory] [--no-extraction] [--no-cartridges] [--builtin-extractor]
 *
 * A writer commits generated work notes (~300 characters) and tasks as fast as it can
 * while the plugin host and the attached cartridges follow the commit stream; the clock
 * stops when the plugin host and every cartridge have caught up with the last commit.
 * Afterwards each cartridge is rebuilt alone from the same commit stream (its own
 * rate), and the results are checked (every note extracted and indexed). Rates are
 * wall-clock records/s and records per CPU-second of the whole process (all threads):
 * on a shared, loaded machine the CPU-time rate is the steadier figure.
 *
 * This file is also the extraction plugin the host loads into its worker when the
 * built-in `entity-extractor` plugin is not there (see `benchExtractor`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread } from 'node:worker_threads'
import { z } from 'zod'
import { definePlugin } from '../plugins/spec/index.js'

/** The fallback extraction plugin: entities, topics and relationships of each note, one structured offline call per note. */
export const benchExtractor = definePlugin({
  name: 'bench-extractor',
  version: '1.0.0',
  apiVersion: 1,
  configSchema: z.object({}),
  permissions: { read: [{ keyspace: 'default', prefix: 'notes/' }], write: ['extractions'], model: { budget: {} }, network: false },
  hooks: {
    onCommit: {
      batch: { maxCommits: 64, maxWaitMs: 5 },
      async handler({ commits, model }) {
        const schema = z.object({
          entities: z.array(z.object({ name: z.string(), type: z.string() })),
          topics: z.array(z.string()),
          relationships: z.array(z.object({ subject: z.string(), predicate: z.string(), object: z.string() })),
        })
        // Every note of the batch is sent at once (the calls overlap); writes keep commit order.
        const writes = commits.flatMap((commit) =>
          commit.operations.map(async (operation) => {
            if (operation.type === 'delete') return [{ type: 'delete' as const, keyspace: 'extractions', key: operation.key }]
            const text = (operation.value as { text?: unknown } | null)?.text
            if (typeof text !== 'string') return []
            const { object } = await model.generateObject({ schema, prompt: `Extract the entities, topics and relationships of this note:\n${text}`, task: 'extraction' })
            return [{ type: 'put' as const, keyspace: 'extractions', key: operation.key, value: { source: operation.key, txnId: commit.txnId, ...object } }]
          }),
        )
        return { writes: (await Promise.all(writes)).flat() as never }
      },
    },
  },
})

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const PEOPLE = ['Dana Whitfield', 'Priya Raman', 'Marcus Chen', 'Jordan Lee', 'Nina Petrova', 'Carlos Mendez', 'Sophie Martin']
const ORGANIZATIONS = ['Acme Corp', 'Initech', 'Globex Corporation', 'Northwind Traders', 'Umbrella Corp']
const PLACES = ['Berlin', 'London', 'Madrid', 'Chicago', 'Toronto', 'Seoul', 'Oslo']
const VERBS = ['approved', 'reviewed', 'rejected', 'signed', 'fixed', 'shipped', 'migrated']
const OBJECTS = ['the billing migration', 'the Q3 budget', 'the new pricing page', 'the vendor contract', 'the login bug', 'the onboarding flow']
const TAILS = [
  'Ticket OPS-{n} tracks the rollout and the team expects it to land before Friday.',
  'The {place} office will review the dashboards on 2025-03-{day} before the launch.',
  'Budget is {n} thousand and version 2.{n}.1 ships next week after the security review.',
  'Customers in {place} asked for faster exports, cheaper storage and a better search page.',
]

async function main(): Promise<void> {
  const { SeededRandom } = await import('../cartridges/conformance/seeded-random.js')
  const { open } = await import('../core/index.js')
  const cartridges = await import('../cartridges/index.js')
  const { createPluginHost, createLlmModelAccess } = await import('../plugins/host/index.js')

  const records = argument('records', 20_000)
  const perCommit = argument('per-commit', 100)
  const random = new SeededRandom(argument('seed', 7))
  const note = (): string => {
    const fill = (template: string): string => template.replaceAll('{n}', String(random.integer(100, 9999))).replaceAll('{place}', random.pick(PLACES)).replaceAll('{day}', String(random.integer(10, 28)))
    let text = `${random.pick(PEOPLE)} ${random.pick(VERBS)} ${random.pick(OBJECTS)} for ${random.pick(ORGANIZATIONS)} in ${random.pick(PLACES)}.`
    while (text.length < 280) text += ` ${fill(random.pick(TAILS))}`
    return text.slice(0, 340)
  }

  // Extraction: the built-in entity-extractor plugin when it exists, else this file's plugin.
  const builtinExtractor = fileURLToPath(new URL('../plugins/builtin/entity-extractor/index.ts', import.meta.url))
  const extractor = existsSync(builtinExtractor) && process.argv.includes('--builtin-extractor') ? builtinExtractor : { module: fileURLToPath(import.meta.url), exportName: 'benchExtractor' }
  const cartridgeList = [
    cartridges.createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'] }),
    cartridges.createTopicsCartridge({ name: 'extracted_topics', source: { keyspace: 'extractions' }, fields: ['topics', 'entities'] }),
    cartridges.createHistoryCartridge({ source: { prefix: 'notes/' }, entityField: 'author' }),
    cartridges.createTasksCartridge(),
  ]
  const directory = mkdtempSync(join(tmpdir(), 'livingdb-ingest-'))
  const memory = process.argv.includes('--memory')
  const withExtraction = !process.argv.includes('--no-extraction')
  const withCartridges = !process.argv.includes('--no-cartridges')
  const db = await open(memory ? { durability: 'none' } : { path: directory, durability: 'relaxed' })
  try {
    const host = await createPluginHost({ db: db as never, plugins: withExtraction ? [extractor] : [], models: createLlmModelAccess({ guards: [] }) })
    const attached = await cartridges.attachCartridges({ db, cartridges: withCartridges ? cartridgeList : [] })
    const texts = Array.from({ length: records }, note)
    const started = performance.now()
    const cpuStarted = process.cpuUsage()
    let committed = 0
    for (let offset = 0; offset < records; offset += perCommit) {
      await db.write((transaction) => {
        for (let index = offset; index < Math.min(records, offset + perCommit); index++) {
          transaction.put(`notes/${String(index).padStart(7, '0')}`, { text: texts[index]!, author: random.pick(PEOPLE) })
          if (index % 10 === 0) transaction.put(`tasks/${index}`, { type: random.pick(['review', 'extract', 'notify']), priority: random.integer(0, 9), status: 'pending', claimedBy: null })
        }
      })
      committed = Math.min(records, offset + perCommit)
    }
    const commitMs = performance.now() - started
    await host.idle()
    // The extractions committed by the plugin flow into extracted_topics: wait for those too.
    await attached.idle()
    const totalMs = performance.now() - started
    const cpu = process.cpuUsage(cpuStarted)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    const extracted = db.read((snapshot) => [...snapshot.keyspace('extractions').scan({ prefix: 'notes/' })].length)
    const documents = (name: string): unknown => (withCartridges ? attached.get(name).stats().documents : records)
    const ok = (!withExtraction || extracted === records) && documents('topics') === records && documents('extracted_topics') === (withExtraction ? records : 0)
    const [status] = await host.status()
    console.log(`livingdb ingestion: ${committed.toLocaleString('en-US')} notes (+${Math.ceil(records / 10).toLocaleString('en-US')} tasks), ${perCommit} per commit, ${memory ? 'in memory' : 'on disk (relaxed)'}`)
    if (!withExtraction) console.log('extraction: off (--no-extraction)')
    else console.log(`extraction: ${typeof extractor === 'string' ? 'plugins/builtin/entity-extractor' : 'bench-extractor (one generateObject per note, calls of a batch in flight together, offline provider, worker thread)'}; model calls ${status?.modelSpend.calls ?? '?'}`)
    console.log(`cartridges: ${withCartridges ? cartridgeList.map((cartridge) => cartridge.name).join(', ') : 'off (--no-cartridges)'}`)
    console.log(`commit phase           ${(records / (commitMs / 1000)).toFixed(0).padStart(8)} records/s (${commitMs.toFixed(0)} ms)`)
    console.log(`end to end (all idle)  ${(records / (totalMs / 1000)).toFixed(0).padStart(8)} records/s (${totalMs.toFixed(0)} ms), ${(records / cpuSeconds).toFixed(0)} records per CPU-second   ${ok ? 'OK: every note extracted and indexed' : `CHECK FAILED: extracted ${extracted}, topics ${String(documents('topics'))}, extracted_topics ${String(documents('extracted_topics'))}`}`)
    await host.close()
    for (const name of attached.names) {
      const rebuildStarted = performance.now()
      await attached.rebuild(name)
      const ms = performance.now() - rebuildStarted
      console.log(`rebuild ${name.padEnd(22)} ${(records / (ms / 1000)).toFixed(0).padStart(8)} records/s (${ms.toFixed(0)} ms)`)
    }
    await attached.close()
    if (!ok) process.exitCode = 1
  } finally {
    await db.close()
    rmSync(directory, { recursive: true, force: true })
  }
}

if (isMainThread) await main()
