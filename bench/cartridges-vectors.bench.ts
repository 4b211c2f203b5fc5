/**
 * Benchmark of the vectors cartridge against exact search and hnswlib-node, side by side
 * in one run on the same data (not part of the test suite).
 * Run: node --expose-gc --import tsx bench/cartridges-vectors.bench.ts [--n 100000] [--queries 300] [--json]
 *
 * Data: a generated corpus with real, two-level cluster structure: 200 topics, each
 * with its own 40-word vocabulary and 10 stories (a story is 15 topic words and 3
 * common ones); a document tells one story with noise (60% story words, 25% other
 * words of its topic, 15% from a shared pool of 400). Embedded with the offline
 * hashing embedder (384 dimensions). Queries are new short documents of random stories. The documents are written to a livingdb
 * database on disk as embedding records and indexed by the vectors cartridge (HNSW in
 * the database's pages); hnswlib-node indexes the same vectors with the same M and
 * efConstruction. Ground truth: exact top-10 by cosine. For each search width `ef`
 * both indexes answer every query (interleaved), recall@10 and QPS are recorded; the
 * comparison uses, for each index, the smallest `ef` reaching recall 0.95.
 * Targets (issue 5): recall@10 >= 0.95 at >= 20x the QPS of exact search; >= 0.5x the
 * QPS of hnswlib-node at recall 0.95.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { SeededRandom } from '../cartridges/conformance/seeded-random.js'
import { openCartridge } from '../cartridges/spec/index.js'
import { createVectorsCartridge } from '../cartridges/vectors/create-vectors-cartridge.js'
import { encodeVectorBase64 } from '../cartridges/vectors/vector-record.js'
import { open } from '../core/index.js'
import { embedText } from '../llm/providers/offline/offline-embedding-model.js'

interface HnswlibIndex {
  initIndex(maxElements: number, m: number, efConstruction: number, randomSeed: number): void
  addPoint(point: number[], label: number): void
  setEf(ef: number): void
  searchKnn(query: number[], k: number): { neighbors: number[]; distances: number[] }
}
const hnswlib = createRequire(import.meta.url)('hnswlib-node') as { HierarchicalNSW: new (space: string, dimensions: number) => HnswlibIndex }

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const N = argument('n', 100_000)
const QUERIES = argument('queries', 300)
const DIMENSIONS = argument('dims', 384)
const SEED = argument('seed', 20_261_124)
const M = argument('m', 16)
const EF_CONSTRUCTION = argument('ef-construction', 128)
const K = 10
const JSON_OUTPUT = process.argv.includes('--json')
const ROUNDS = 3
const collectGarbage = (globalThis as { gc?: () => void }).gc
const EF_SWEEP = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256]


const generator = new SeededRandom(SEED)
const random = (): number => generator.next()
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 've', 'zo', 'pa', 'shi', 'gu', 'de', 'fo', 'ri', 'nu', 'be', 'xa', 'qui', 'ost', 'lan']
const word = (): string => Array.from({ length: 2 + Math.floor(random() * 3) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('')
const shared = Array.from({ length: 400 }, word)
const topics = Array.from({ length: 200 }, () => Array.from({ length: 40 }, word))
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const stories = Array.from({ length: 2000 }, (_, index) => ({
  topic: Math.floor(index / 10),
  words: [...Array.from({ length: 15 }, () => pick(topics[Math.floor(index / 10)]!)), ...Array.from({ length: 3 }, () => pick(shared))],
}))
function documentOf(story: number, length: number): string {
  const { topic, words: storyWords } = stories[story]!
  const words: string[] = []
  for (let index = 0; index < length; index++) {
    const roll = random()
    words.push(roll < 0.6 ? pick(storyWords) : roll < 0.85 ? pick(topics[topic]!) : pick(shared))
  }
  return words.join(' ')
}

function log(message: string): void {
  if (!JSON_OUTPUT) process.stdout.write(`${message}\n`)
}

const load = [loadavg()[0]!]
log(`vectors benchmark: n=${N} dims=${DIMENSIONS} queries=${QUERIES} M=${M} efConstruction=${EF_CONSTRUCTION} (load ${load[0]!.toFixed(2)})`)
let started = performance.now()
const topicsOf: number[] = []
const vectors: Float32Array[] = []
for (let index = 0; index < N; index++) {
  const story = Math.floor(random() * stories.length)
  topicsOf.push(stories[story]!.topic)
  vectors.push(Float32Array.from(embedText(documentOf(story, 20 + Math.floor(random() * 20)), DIMENSIONS)))
}
const queries = Array.from({ length: QUERIES }, () => Array.from(embedText(documentOf(Math.floor(random() * stories.length), 10), DIMENSIONS), Math.fround))
const embedSeconds = (performance.now() - started) / 1000
log(`embedded ${N} documents in ${embedSeconds.toFixed(1)} s`)

const directory = mkdtempSync(join(tmpdir(), 'livingdb-vectors-bench-'))
// Default page cache: searches run on the in-memory graph, and a large cache of decoded pages only makes the collector's work bigger.
const db = await open({ path: directory, durability: 'none', checkpointIntervalMs: 0 })
const cartridge = createVectorsCartridge({ source: { keyspace: 'embeddings' }, m: M, efConstruction: EF_CONSTRUCTION, dimensions: DIMENSIONS })
const handle = await openCartridge({ db, cartridge })
started = performance.now()
for (let start = 0; start < N; start += 1000) {
  await db.write((transaction) => {
    const space = transaction.keyspace('embeddings')
    for (let index = start; index < Math.min(N, start + 1000); index++) space.put(`doc/${String(index).padStart(7, '0')}`, { vector: encodeVectorBase64(vectors[index]!), metadata: { topic: topicsOf[index]! } })
  }, { origin: 'app' })
}
const writeSeconds = (performance.now() - started) / 1000
started = performance.now()
await handle.catchUp()
const indexSeconds = (performance.now() - started) / 1000
// Write the dirty pages now, so no checkpoint runs while queries are timed.
await db.checkpoint()
log(`livingdb: wrote ${N} embedding records in ${writeSeconds.toFixed(1)} s, indexed them (HNSW in the database) in ${indexSeconds.toFixed(1)} s`)

started = performance.now()
const native = new hnswlib.HierarchicalNSW('cosine', DIMENSIONS)
native.initIndex(N, M, EF_CONSTRUCTION, 100)
for (let index = 0; index < N; index++) native.addPoint(Array.from(vectors[index]!), index)
const nativeSeconds = (performance.now() - started) / 1000
log(`hnswlib-node: indexed in ${nativeSeconds.toFixed(1)} s`)

type Hits = { hits: { key: string }[] }
const keyOf = (index: number): string => `doc/${String(index).padStart(7, '0')}`
const search = (input: object): Hits => handle.query('search', input) as Hits

// Ground truth and exact-search speed (through the cartridge's exact path: same kernels, every vector).
const truth = queries.map((vector) => new Set(search({ vector, k: K, exact: true }).hits.map((hit) => hit.key)))
const exactQps = measure((vector) => search({ vector, k: K, exact: true }).hits.map((hit) => hit.key)).qps
log(`exact search: ${exactQps.toFixed(1)} QPS`)

function recallOf(results: readonly (readonly string[])[]): number {
  let found = 0
  results.forEach((keys, index) => {
    for (const key of keys) if (truth[index]!.has(key)) found++
  })
  return found / (QUERIES * K)
}

/**
 * Runs every query once untimed, then in `ROUNDS` timed passes; returns the best pass's
 * QPS (the machine is shared: the best pass is the least disturbed one, for both
 * indexes alike) and the keys found.
 */
function measure(run: (vector: number[]) => string[]): { qps: number; keys: string[][] } {
  const keys = queries.map(run)
  let best = 0
  for (let round = 0; round < ROUNDS; round++) {
    collectGarbage?.() // with --expose-gc: every pass starts on a collected heap
    const roundStart = performance.now()
    for (const vector of queries) run(vector)
    best = Math.max(best, QUERIES / ((performance.now() - roundStart) / 1000))
  }
  return { qps: best, keys }
}

interface Point { readonly ef: number; readonly recall: number; readonly qps: number }
const ours: Point[] = []
const theirs: Point[] = []
for (const [position, ef] of EF_SWEEP.entries()) {
  const runOurs = (): void => {
    const result = measure((vector) => search({ vector, k: K, ef }).hits.map((hit) => hit.key))
    ours.push({ ef, recall: recallOf(result.keys), qps: result.qps })
  }
  const runTheirs = (): void => {
    native.setEf(ef)
    const result = measure((vector) => native.searchKnn(vector, K).neighbors.map(keyOf))
    theirs.push({ ef, recall: recallOf(result.keys), qps: result.qps })
  }
  if (position % 2 === 0) (runOurs(), runTheirs())
  else (runTheirs(), runOurs())
  log(`ef ${String(ef).padStart(3)}: livingdb recall ${ours.at(-1)!.recall.toFixed(3)} ${ours.at(-1)!.qps.toFixed(0).padStart(6)} QPS | hnswlib-node recall ${theirs.at(-1)!.recall.toFixed(3)} ${theirs.at(-1)!.qps.toFixed(0).padStart(6)} QPS`)
}
load.push(loadavg()[0]!)
await db.close()
rmSync(directory, { recursive: true, force: true })

const at95 = (points: readonly Point[]): Point | undefined => points.find((point) => point.recall >= 0.95)
const oursAt = at95(ours)
const theirsAt = at95(theirs)
const speedupOverExact = oursAt === undefined ? 0 : oursAt.qps / exactQps
const ratioToHnswlib = oursAt === undefined || theirsAt === undefined ? 0 : oursAt.qps / theirsAt.qps
const report = {
  benchmark: 'cartridges-vectors',
  n: N,
  dimensions: DIMENSIONS,
  queries: QUERIES,
  k: K,
  m: M,
  efConstruction: EF_CONSTRUCTION,
  loadAverage: { start: load[0], end: load[1] },
  seconds: { embed: embedSeconds, write: writeSeconds, livingdbIndex: indexSeconds, hnswlibIndex: nativeSeconds },
  exactQps,
  sweep: { livingdb: ours, hnswlib: theirs },
  atRecall95: { livingdb: oursAt ?? null, hnswlib: theirsAt ?? null },
  ratios: { livingdbOverExact: speedupOverExact, livingdbOverHnswlib: ratioToHnswlib },
  targets: {
    recallAtLeast095: oursAt !== undefined,
    atLeast20xExact: speedupOverExact >= 20,
    atLeastHalfHnswlib: ratioToHnswlib >= 0.5,
  },
}
if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
else {
  log('')
  log(`at recall@10 >= 0.95: livingdb ef ${oursAt?.ef ?? '-'} (${oursAt?.recall.toFixed(3) ?? '-'}) ${oursAt?.qps.toFixed(0) ?? '-'} QPS; hnswlib-node ef ${theirsAt?.ef ?? '-'} (${theirsAt?.recall.toFixed(3) ?? '-'}) ${theirsAt?.qps.toFixed(0) ?? '-'} QPS; exact ${exactQps.toFixed(1)} QPS`)
  log(`livingdb / exact = ${speedupOverExact.toFixed(1)}x (target >= 20x: ${report.targets.atLeast20xExact ? 'met' : 'NOT met'})`)
  log(`livingdb / hnswlib-node = ${ratioToHnswlib.toFixed(2)}x (target >= 0.5x: ${report.targets.atLeastHalfHnswlib ? 'met' : 'NOT met'})`)
  log(`index build: livingdb ${indexSeconds.toFixed(1)} s (in the database, plus ${writeSeconds.toFixed(1)} s writing the records) vs hnswlib-node ${nativeSeconds.toFixed(1)} s`)
}
