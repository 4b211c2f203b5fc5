import { runCartridgeConformance, SeededRandom, type GeneratedCommit } from '../conformance/index.js'
import { createVectorsCartridge } from './create-vectors-cartridge.js'
import { encodeVectorBase64 } from './vector-record.js'

const DIMENSIONS = 12
const TEAMS = ['billing', 'platform', 'search']

/** A vector near one of four cluster centres (so the graph has real structure). */
function clusteredVector(random: SeededRandom): number[] {
  const centre = random.integer(0, 3)
  return Array.from({ length: DIMENSIONS }, (_, index) => (index % 4 === centre ? 1 : 0) + (random.next() - 0.5) * 0.4)
}

/**
 * Embedding records under `embeddings` (puts, vector changes, metadata-only updates,
 * deletes, bad records), as arrays and as base64 Float32, plus records outside the
 * source that must be ignored.
 */
function generateEmbeddings({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 4); op > 0; op--) {
      const key = `notes/${random.integer(0, 60)}`
      const roll = random.next()
      const metadata = { team: random.pick(TEAMS), year: random.integer(2020, 2026) }
      if (roll < 0.12) ops.push({ type: 'delete', key, keyspace: 'embeddings' })
      else if (roll < 0.16) ops.push({ type: 'put', key, keyspace: 'embeddings', value: { vector: [1, 2, 3], metadata } })
      else if (roll < 0.18) ops.push({ type: 'put', key, keyspace: 'embeddings', value: { text: 'no vector here' } })
      else {
        const vector = clusteredVector(random)
        ops.push({ type: 'put', key, keyspace: 'embeddings', value: { vector: random.next() < 0.5 ? vector : encodeVectorBase64(vector), metadata } })
      }
    }
    if (random.next() < 0.2) ops.push({ type: 'put', key: `notes/${index}`, value: { vector: clusteredVector(random) } })
    commits.push({ ops })
  }
  return commits
}

const probe = Array.from({ length: DIMENSIONS }, (_, index) => (index % 4 === 1 ? 1 : 0.05))

runCartridgeConformance({
  name: 'vectors',
  // m = 4 and a small efConstruction so 60 keys already build several layers and full lists.
  createCartridge: () => createVectorsCartridge({ source: { keyspace: 'embeddings', prefix: 'notes/' }, m: 4, efConstruction: 16, dimensions: DIMENSIONS }),
  generateCommits: generateEmbeddings,
  sampleQueries: [
    { name: 'search', input: { vector: probe, k: 5 } },
    { name: 'search', input: { vector: probe, k: 3, filter: { field: 'team', eq: 'billing' } } },
    { name: 'search', input: { vector: probe, k: 4, metric: 'l2' } },
    { name: 'similar', input: { key: 'notes/7', k: 3 } },
  ],
})
