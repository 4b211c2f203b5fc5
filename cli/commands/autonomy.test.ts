import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { createAutonomy } from '../../autonomy/index.js'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })
const autonomy = (...argv: string[]) => runInProcess(['autonomy', ...argv, '--db', temporary.db])

/** A database whose cold records qualify for tiering at once (the policy is stored in sys). */
async function seedDatabase(): Promise<void> {
  const db = await open({ path: temporary.db, durability: 'none' })
  await db.write((transaction) => {
    for (let index = 0; index < 60; index += 1) transaction.put(`notes/${String(index).padStart(3, '0')}`, { text: `the ferry to oslo leaves at dawn, note ${index} `.repeat(8) })
  })
  const handle = await createAutonomy({ db })
  await handle.setPolicy({ halfLifeMs: 1, tiering: { minObservedMs: 0, minRunBytes: 0, minValueBytes: 64 } })
  await handle.flush()
  await db.close()
}

describe('livingdb autonomy', () => {
  it('plan and run --dry-run change nothing; run tiers cold values; status lists the action; undo restores', async () => {
    await seedDatabase()
    const plan = await autonomy('plan', '--json')
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(JSON.parse(plan.stdout)).toMatchObject({ enabled: true, tiering: { keysToMove: 60 } })
    const dry = await autonomy('run', '--dry-run')
    expect(dry.stdout).toMatch(/tiering would move 60 values/)
    expect(dry.stdout).toMatch(/no action taken/)
    const run = await autonomy('run', '--json')
    expect(run.exitCode, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as { actions: { id: string; kind: string; numbers: { keysMoved: number; compressedBytes: number; bytesMoved: number } }[] }
    const [action] = report.actions
    expect(action).toMatchObject({ kind: 'tiering', numbers: { keysMoved: 60 } })
    expect(action!.numbers.compressedBytes).toBeLessThan(action!.numbers.bytesMoved / 2)
    const tiered = await runInProcess(['kv', 'get', 'notes/005', '--db', temporary.db])
    expect(tiered.stdout).toContain('ferry to oslo')
    expect(tiered.stdout).not.toContain('$livingdbArchive')
    const exported = await runInProcess(['export', '--db', temporary.db])
    expect(exported.stdout).toContain('ferry to oslo')
    expect(exported.stdout).not.toContain('$livingdbArchive')
    const status = await autonomy('status')
    expect(status.stdout).toContain(action!.id)
    expect(status.stdout).toMatch(/actions \(1\)/)
    const undo = await autonomy('undo', action!.id)
    expect(undo.stdout).toMatch(/undone: .* undone/)
    const restored = await runInProcess(['kv', 'get', 'notes/005', '--db', temporary.db])
    expect(restored.stdout).toContain('ferry to oslo')
    const again = await autonomy('undo', action!.id, '--json')
    expect(again.exitCode).toBe(1)
    expect(jsonError(again)).toMatchObject({ code: 'AUTONOMY_UNDO_CONFLICT' })
    const unknown = await autonomy('undo', 'nope', '--json')
    expect(jsonError(unknown)).toMatchObject({ code: 'AUTONOMY_ACTION_NOT_FOUND' })
  })
})
