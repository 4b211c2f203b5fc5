// Child process of attach-crash.test.ts: attaches cartridges to an on-disk database and
// writes app commits until it is killed (kill -9). Args: <database path> <first item number>.
import { open } from '../../../core/index.js'
import { createTasksCartridge } from '../../tasks/index.js'
import { createHistoryCartridge } from '../../temporal/index.js'
import { createTopicsCartridge } from '../../topics/index.js'
import { attachCartridges } from '../attach-cartridges.js'

/** The cartridges the crash test attaches (the test rebuilds the same definitions). */
export function crashTestCartridges() {
  return [createTopicsCartridge({ source: { prefix: 'notes/' }, segmentSize: 5 }), createHistoryCartridge({ source: { prefix: 'notes/' }, entityField: 'author' }), createTasksCartridge()]
}

const WORDS = ['ferry', 'oslo', 'harbour', 'winter', 'market', 'bridge', 'museum', 'train']

if (process.argv[2] !== undefined) {
  const path = process.argv[2]
  let item = Number(process.argv[3] ?? 0)
  const db = await open({ path, durability: 'group' })
  const attached = await attachCartridges({ db, cartridges: crashTestCartridges(), maxCommitsPerBatch: 3, onError: () => undefined })
  process.stdout.write('ready\n')
  for (;;) {
    await db.write((transaction) => {
      for (let op = 0; op < 3; op++, item++) {
        transaction.put(`notes/${item % 40}`, { text: `${WORDS[item % WORDS.length]} ${WORDS[(item * 7) % WORDS.length]} ${item}`, author: `a${item % 5}` })
        if (item % 9 === 0) transaction.delete(`notes/${(item + 13) % 40}`)
        if (item % 4 === 0) transaction.put(`tasks/${item % 30}`, { type: item % 8 === 0 ? 'email' : 'resize', priority: item % 7 })
      }
    })
    if (item % 60 === 0) await attached.idle()
  }
}
