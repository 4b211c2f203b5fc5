import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonError, runInProcess, useTemporaryDatabase, type CliRun } from '../test-support/run-in-process.js'

const SAMPLE = fileURLToPath(new URL('../../examples/sample-store.jsonl', import.meta.url))

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

/** Runs a command that must succeed and parses its --json output (the failure message shows stderr). */
async function runJson<T>(argv: readonly string[]): Promise<T> {
  const run: CliRun = await runInProcess([...argv, '--json'])
  expect(run.exitCode, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as T
}

describe('livingdb ask', () => {
  it('answers over an imported database with the plan, cited results and an answer, now and as of an earlier txn', async () => {
    type Result = { plan: { root: unknown }; results: { key: string; value: { status?: string }; citations: unknown[] }[]; txnId: number }
    const statusOf = (result: Result): string | undefined => result.results.find(item => item.key === 'tasks/T-1006')?.value.status
    expect((await runInProcess(['import', SAMPLE, '--db', temporary.db])).exitCode).toBe(0)
    // The first question builds the indexes; the txn after it is the version to travel back to.
    const first = await runJson<Result>(['ask', 'What is the status of T-1006?', '--db', temporary.db])
    expect(first.plan.root).toBeDefined()
    expect(statusOf(first)).toBe('blocked')
    const indexed = (await runJson<{ txnId: number }>(['stats', '--db', temporary.db])).txnId
    expect((await runInProcess(['kv', 'put', 'tasks/T-1006', JSON.stringify({ id: 'T-1006', title: "Migrate saved cards with Stripe's card import", type: 'migration', status: 'done', priority: 'high' }), '--db', temporary.db])).exitCode).toBe(0)
    const now = await runJson<Result>(['ask', 'What is the status of T-1006?', '--db', temporary.db])
    expect(statusOf(now)).toBe('done')
    expect(now.txnId).toBeGreaterThan(indexed)
    const before = await runInProcess(['ask', 'What is the status of T-1006?', '--as-of', String(indexed), '--explain', '--limit', '3', '--db', temporary.db])
    expect(before.exitCode, before.stderr).toBe(0)
    expect(before.stdout).toMatch(/^plan {5}\S/m)
    expect(before.stdout).toContain(`results  3 at txn ${indexed}`)
    expect(before.stdout).toMatch(/^ {3}1\. tasks\/T-1006 .*\(blocked, high\)/m)
    expect(before.stdout).toMatch(/^answer {3}\S/m)
  })

  it('refuses a malformed --as-of, a missing database and an empty question', async () => {
    const badTime = await runInProcess(['ask', 'open tasks', '--as-of', 'yesterday', '--db', temporary.db, '--json'])
    expect(badTime.exitCode).toBe(2)
    expect(jsonError(badTime).code).toBe('CLI_USAGE')
    const missing = await runInProcess(['ask', 'open tasks', '--db', temporary.db, '--json'])
    expect(missing.exitCode).toBe(1)
    expect(jsonError(missing).code).toBe('DB_NOT_FOUND')
    expect((await runInProcess(['ask', '  ', '--db', temporary.db])).exitCode).toBe(2)
  })
})
