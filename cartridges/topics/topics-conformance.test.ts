import { runCartridgeConformance, SeededRandom, type GeneratedCommit } from '../conformance/index.js'
import { createTopicsCartridge } from './create-topics-cartridge.js'

const WORDS = ['oslo', 'winter', 'harbour', 'ferry', 'snow', 'market', 'coffee', 'fjord', 'museum', 'train', 'bridge', 'islands', 'studies', 'boxes', 'the', 'and', 'of', 'running', 'light', 'night']

function sentence(random: SeededRandom, length: number): string {
  return Array.from({ length }, () => random.pick(WORDS)).join(' ')
}

/** Notes under notes/ (puts, updates, deletes), plus records outside the prefix that must be ignored. */
function generateNotes({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 3); op > 0; op--) {
      const key = `notes/${random.integer(0, 40)}`
      const roll = random.next()
      if (roll < 0.12) ops.push({ type: 'delete', key })
      else if (roll < 0.18) ops.push({ type: 'put', key, value: { title: 'the and of', body: 42 } })
      else ops.push({ type: 'put', key, value: { title: sentence(random, random.integer(1, 4)), body: sentence(random, random.integer(0, 30)), tags: ['ignored tag'] } })
    }
    if (random.next() < 0.2) ops.push({ type: 'put', key: `other/${index}`, value: { title: 'oslo oslo oslo' } })
    commits.push({ ops })
  }
  return commits
}

runCartridgeConformance({
  name: 'topics',
  // A small segment size so the generated data spans many segments per term.
  createCartridge: () => createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['title', 'body'], segmentSize: 4 }),
  generateCommits: generateNotes,
  sampleQueries: [
    { name: 'search', input: { query: 'oslo winter', limit: 5 } },
    { name: 'search', input: { query: 'ferry', limit: 3, prefix: 'notes/1' } },
  ],
})
