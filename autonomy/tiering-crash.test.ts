import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { open } from '../core/index.js'
import { SegmentCache, isArchiveReference } from './archive-segment.js'
import { AUTONOMY_KEYS, SYS_KEYSPACE, listActions } from './autonomy-action.js'
import { autonomyDatabase } from './autonomy-database.js'
import { seededRandom } from './test-support/seeded-random.js'
import { writeHotColdDataset } from './test-support/hot-cold-workload.js'
import { undoTiering } from './tiering.js'

const CHILD = fileURLToPath(new URL('./test-support/tiering-crash-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const directories: string[] = []
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })))

/** Runs the child and SIGKILLs it after it reported `segments` moved segments; resolves with its output. */
function runAndKill(directory: string, segments: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, directory], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let errors = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.split('moved').length - 1 >= segments) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve(output) : reject(new Error(`child exited ${code}: ${errors}`))))
  })
}

describe('tiering crash safety', () => {
  const random = seededRandom()
  it(`a kill -9 in the middle of moving loses nothing (seed ${random.seed})`, async () => {
    for (let trial = 0; trial < 2; trial += 1) {
      const directory = mkdtempSync(path.join(tmpdir(), 'livingdb-autonomy-crash-'))
      directories.push(directory)
      const setup = await open({ path: directory, durability: 'strict' })
      const dataset = await writeHotColdDataset({ db: setup, hot: 0, cold: 120, bytes: 200, seed: random.seed + trial })
      await setup.close()
      const killAfter = 2 + Math.floor(random.next() * 20)
      const output = await runAndKill(directory, killAfter)
      const context = `seed ${random.seed}, trial ${trial}, killed after ${killAfter} segments: ${output.slice(-40)}`
      const db = await open({ path: directory, durability: 'strict' })
      try {
        const reader = autonomyDatabase(db, { segments: new SegmentCache() })
        for (const [key, value] of dataset.model) expect(reader.get(key), `${context} ${key}`).toEqual(value)
        const archived = dataset.coldKeys.filter((key) => isArchiveReference(db.get(key)))
        expect(archived.length, context).toBeGreaterThan(0)
        const actions = db.read((snapshot) => listActions(snapshot.keyspace(SYS_KEYSPACE)))
        const segments = db.read((snapshot) => [...snapshot.keyspace(SYS_KEYSPACE).scan({ prefix: AUTONOMY_KEYS.segments })]).length
        expect(actions.reduce((sum, action) => sum + ((action.details.segments as string[]).length), 0), context).toBe(segments)
        for (const action of actions) await undoTiering({ db, actionId: action.id, now: Date.now() })
        for (const [key, value] of dataset.model) expect(db.get(key), `${context} after undo ${key}`).toEqual(value)
        expect(db.verify().ok, context).toBe(true)
      } finally {
        await db.close()
      }
    }
  })
})
