/**
 * Ingestion benchmark, end to end: app commits → extraction and embedder plugins (offline
 * provider, worker threads, through the plugin host) → every available cartridge, live.
 * Run: node --import tsx bench/cartridges-ingest.bench.ts [--records 5000] [--per-commit 100] [--seed 7]
 *        [--memory] [--no-extraction] [--no-cartridges]
 *        [--cartridges topics,history,pending_tasks_by_type,entities,relationships,vectors]
 *
 * A writer commits generated work notes (~300 characters) and tasks as fast as it can
 * while the plugin host (the built-in entity-extractor and embedder plugins) and the
 * attached cartridges (topics, history, pending_tasks_by_type, entities, relationships,
 * vectors) follow the commit stream; the clock stops when the plugin host and every
 * cartridge have caught up with the last commit. Afterwards each cartridge is rebuilt
 * alone from the same commit stream (its own rate), and the results are checked (every
 * note extracted, embedded and indexed). Rates are wall-clock records/s and records per
 * CPU-second of the whole process (all threads): on a shared, loaded machine the
 * CPU-time rate is the steadier figure.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_EXTRACTION_KEYSPACE } from '../cartridges/entities/index.js'

function textArgument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}

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

  const records = argument('records', 5_000)
  const perCommit = argument('per-commit', 100)
  const random = new SeededRandom(argument('seed', 7))
  const note = (): string => {
    const fill = (template: string): string => template.replaceAll('{n}', String(random.integer(100, 9999))).replaceAll('{place}', random.pick(PLACES)).replaceAll('{day}', String(random.integer(10, 28)))
    let text = `${random.pick(PEOPLE)} ${random.pick(VERBS)} ${random.pick(OBJECTS)} for ${random.pick(ORGANIZATIONS)} in ${random.pick(PLACES)}.`
    while (text.length < 280) text += ` ${fill(random.pick(TAILS))}`
    return text.slice(0, 340)
  }

  const extractor = { module: fileURLToPath(new URL('../plugins/builtin/entity-extractor/entity-extractor.ts', import.meta.url)), config: { keyPrefix: 'notes/', fields: ['text'] } }
  const embedder = { module: fileURLToPath(new URL('../plugins/builtin/embedder/embedder-plugin.ts', import.meta.url)), config: { prefix: 'notes/', fields: ['text'], metadataFields: ['author'] } }
  const available = [
    cartridges.createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'] }),
    cartridges.createHistoryCartridge({ source: { prefix: 'notes/' }, entityField: 'author' }),
    cartridges.createTasksCartridge(),
    cartridges.createEntitiesCartridge(),
    cartridges.createRelationshipsCartridge(),
    cartridges.createVectorsCartridge({ source: { keyspace: 'embeddings' } }),
  ]
  const only = textArgument('cartridges')?.split(',')
  const cartridgeList = only === undefined ? available : available.filter((cartridge) => only.includes(cartridge.name))
  const attachedNames = new Set(cartridgeList.map((cartridge) => cartridge.name))
  // Extraction always runs (it is part of the pipeline measured); the embedder only feeds vectors.
  const plugins = [extractor, ...(attachedNames.has('vectors') || only === undefined ? [embedder] : [])]
  const directory = mkdtempSync(join(tmpdir(), 'livingdb-ingest-'))
  const memory = process.argv.includes('--memory')
  const withExtraction = !process.argv.includes('--no-extraction')
  const withCartridges = !process.argv.includes('--no-cartridges')
  const db = await open(memory ? { durability: 'none' } : { path: directory, durability: 'relaxed' })
  try {
    const host = await createPluginHost({ db: db as never, plugins: withExtraction ? plugins : [], models: createLlmModelAccess({ guards: [] }) })
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
    // The extractions and embeddings the plugins committed flow into entities and vectors: wait for those too.
    await attached.idle()
    const totalMs = performance.now() - started
    const cpu = process.cpuUsage(cpuStarted)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    const count = (keyspace: string, prefix: string): number => db.read((snapshot) => [...snapshot.keyspace(keyspace).scan({ prefix })].length)
    const extracted = count(DEFAULT_EXTRACTION_KEYSPACE, 'x/')
    const embedded = count('embeddings', '')
    const stat = (name: string, field: string): number => Number(attached.get(name).stats()[field])
    const expectations: Record<string, () => boolean> = {
      topics: () => stat('topics', 'documents') === records,
      history: () => stat('history', 'keys') === records,
      pending_tasks_by_type: () => stat('pending_tasks_by_type', 'pending') === Math.ceil(records / 10),
      entities: () => !withExtraction || stat('entities', 'entities') > 0,
      relationships: () => true,
      vectors: () => !withExtraction || stat('vectors', 'vectors') === records,
    }
    const embedding = withExtraction && plugins.includes(embedder)
    const failed = [
      ...(withCartridges ? attached.names.filter((name) => !expectations[name]!()) : []),
      ...(withExtraction && extracted !== records ? [`extracted ${extracted}`] : []),
      ...(embedding && embedded !== records ? [`embedded ${embedded}`] : []),
    ]
    const ok = failed.length === 0
    const statuses = await host.status()
    console.log(`livingdb ingestion: ${committed.toLocaleString('en-US')} notes (+${Math.ceil(records / 10).toLocaleString('en-US')} tasks), ${perCommit} per commit, ${memory ? 'in memory' : 'on disk (relaxed)'}`)
    if (!withExtraction) console.log('plugins: off (--no-extraction)')
    else console.log(`plugins (worker threads, offline provider): ${['entity-extractor (8 notes per generateObject)', ...(embedding ? ['embedder (offline hashing, 384 dimensions)'] : [])].join(' + ')}; model calls ${statuses.map((status) => `${status.name} ${status.modelSpend.calls}`).join(', ')}`)
    console.log(`cartridges: ${withCartridges ? cartridgeList.map((cartridge) => cartridge.name).join(', ') : 'off (--no-cartridges)'}`)
    console.log(`commit phase           ${(records / (commitMs / 1000)).toFixed(0).padStart(8)} records/s (${commitMs.toFixed(0)} ms)`)
    console.log(`end to end (all idle)  ${(records / (totalMs / 1000)).toFixed(0).padStart(8)} records/s (${totalMs.toFixed(0)} ms), ${(records / cpuSeconds).toFixed(0)} records per CPU-second   ${ok ? `OK: every note ${[...(withExtraction ? ['extracted'] : []), ...(embedding ? ['embedded'] : []), 'indexed'].join(', ')}` : `CHECK FAILED: ${failed.join(', ')}`}`)
    if (withCartridges) for (const name of attached.names) console.log(`  ${name}: ${JSON.stringify(attached.get(name).stats())}`)
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

await main()
