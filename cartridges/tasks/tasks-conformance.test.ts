import { runCartridgeConformance, SeededRandom, type GeneratedCommit } from '../conformance/index.js'
import { createTasksCartridge } from './create-tasks-cartridge.js'

const TYPES = ['email', 'resize', 'a/b type', 'ünïcode']
const STATUSES = ['pending', 'pending', 'pending', 'claimed', 'done']

function generateTasks({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 3); op > 0; op--) {
      const key = `tasks/${random.integer(0, 30)}`
      const roll = random.next()
      if (roll < 0.1) ops.push({ type: 'delete', key })
      else if (roll < 0.15) ops.push({ type: 'put', key, value: { type: 'email', priority: 1.5 } })
      else {
        const status = random.pick(STATUSES)
        ops.push({ type: 'put', key, value: { type: random.pick(TYPES), status, priority: random.integer(-5, 5) * 10, claimedBy: status === 'claimed' ? 'w1' : null } })
      }
    }
    if (random.next() < 0.2) ops.push({ type: 'put', key: `jobs/${index}`, value: { type: 'email', status: 'pending' } })
    commits.push({ ops })
  }
  return commits
}

runCartridgeConformance({
  name: 'pending_tasks_by_type',
  createCartridge: () => createTasksCartridge(),
  generateCommits: generateTasks,
  sampleQueries: [
    { name: 'pending', input: { type: 'email', limit: 5 } },
    { name: 'pending', input: { type: 'a/b type', limit: 50 } },
    { name: 'counts', input: {} },
  ],
})
