import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killAfterReady } from '../../test/support/kill-after-ready.js'
import { afterAll, describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { SeededRandom, dumpNow, testSeed } from '../conformance/index.js'
import { attachCartridges } from './attach-cartridges.js'
import { CURSOR_KEYSPACE, readCursor } from './cartridge-cursor.js'
import { rebuildCartridge } from './rebuild-cartridge.js'
import { crashTestCartridges } from './test-support/attach-crash-child.js'

const CHILD = fileURLToPath(new URL('./test-support/attach-crash-child.ts', import.meta.url))
const KILLS = Number(process.env.LIVINGDB_CARTRIDGE_CRASH_KILLS ?? 4)
const root = mkdtempSync(join(tmpdir(), 'livingdb-cartridge-crash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Starts the child, waits for "ready" and `delayMs` more, then kill -9s it. */
function runAndKill(path: string, firstItem: number, delayMs: number): Promise<void> {
  return killAfterReady({ script: CHILD, args: [path, String(firstItem)], delayMs })
}

describe('attached cartridges across kill -9', () => {
  it('after every crash each index is exactly what its cursor says: a rebuild up to the cursor gives the same bytes', async () => {
    const seed = testSeed()
    const random = new SeededRandom(seed)
    const path = join(root, 'db')
    let checkedCommits = 0
    let appliedBeforeKill = 0
    for (let kill = 0; kill < KILLS; kill++) {
      await runAndKill(path, kill * 100_000, random.integer(80, 400))
      const db = await open({ path, durability: 'none' })
      try {
        for (const cartridge of crashTestCartridges()) {
          const { dump, cursor } = db.read((snapshot) => ({ dump: dumpNow(db, cartridge), cursor: readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE)) }))
          appliedBeforeKill = Math.max(appliedBeforeKill, cursor)
          await rebuildCartridge({ db, cartridge, upTo: cursor })
          expect(dumpNow(db, cartridge), `seed ${seed}, kill ${kill}: ${cartridge.name} at cursor ${cursor} equals a rebuild up to it`).toEqual(dump)
        }
        checkedCommits = db.txnId
        // Catching up from there ends equal to a full rebuild too.
        const cartridges = crashTestCartridges()
        const attached = await attachCartridges({ db, cartridges })
        await attached.idle()
        await attached.close()
        for (const cartridge of cartridges) {
          const live = dumpNow(db, cartridge)
          await rebuildCartridge({ db, cartridge })
          expect(dumpNow(db, cartridge), `seed ${seed}, kill ${kill}: ${cartridge.name} caught up equals a full rebuild`).toEqual(live)
        }
      } finally {
        await db.close()
      }
    }
    expect(checkedCommits, 'the children committed work before they were killed').toBeGreaterThan(10)
    expect(appliedBeforeKill, 'the cartridges applied batches before a kill').toBeGreaterThan(0)
  })
})
