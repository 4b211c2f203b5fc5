import { runCartridgeConformance, SeededRandom, type GeneratedCommit } from '../conformance/index.js'
import { createHistoryCartridge } from './create-history-cartridge.js'

function generateCustomers({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 3); op > 0; op--) {
      const key = `customers/${random.integer(0, 15)}`
      const roll = random.next()
      if (roll < 0.12) ops.push({ type: 'delete', key })
      else ops.push({ type: 'put', key, value: { id: `c${random.integer(0, 6)}`, name: `name ${index}`, score: random.integer(0, 100) } })
    }
    if (random.next() < 0.2) ops.push({ type: 'put', key: `orders/${index}`, value: { id: 'c1' } })
    commits.push({ ops })
  }
  return commits
}

runCartridgeConformance({
  name: 'history',
  createCartridge: () => createHistoryCartridge({ source: { prefix: 'customers/' }, entityField: 'id' }),
  generateCommits: generateCustomers,
  sampleQueries: [
    { name: 'versions', input: { key: 'customers/3' } },
    { name: 'asOf', input: { key: 'customers/4', txnId: 30 } },
    { name: 'versions', input: { entity: 'c2', reverse: true, limit: 5 } },
    { name: 'between', input: { entity: 'c1', from: 10, to: 60 } },
  ],
})
