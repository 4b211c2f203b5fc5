import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

interface DemoQuestion {
  readonly question: string
  readonly asOf?: number
  readonly planText: string
  readonly plan: { readonly root: { readonly kind: string } }
  readonly results: readonly { readonly key: string; readonly value: unknown; readonly citations: readonly unknown[] }[]
  readonly answer?: { readonly text: string }
}

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

describe('livingdb demo', () => {
  it('imports the sample, indexes it and answers eight questions, one as of the past (--json)', async () => {
    const run = await runInProcess(['demo', '--db', temporary.db, '--json'])
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    const summary = JSON.parse(run.stdout) as { import: { imported: number; lastTxnId: number }; indexes: { name: string }[]; questions: DemoQuestion[]; timeTravel: { versions: { status: string }[] }; verify: { ok: boolean }; model: string }
    expect(summary.model).toBe('offline')
    expect(summary.import.imported).toBeGreaterThanOrEqual(250)
    expect(summary.indexes.map(index => index.name)).toEqual(expect.arrayContaining(['topics', 'history']))
    expect(summary.timeTravel.versions.map(version => version.status)).toEqual(['blocked', 'in_progress', 'done'])
    expect(summary.questions).toHaveLength(8)
    for (const question of summary.questions) {
      expect(question.planText.length, question.question).toBeGreaterThan(0)
      expect(question.results.length, question.question).toBeGreaterThan(0)
    }
    const travel = summary.questions.filter(question => question.asOf !== undefined)
    expect(travel).toHaveLength(1)
    expect(travel[0]!.asOf).toBeGreaterThanOrEqual(summary.import.lastTxnId)
    const past = travel[0]!.results.find(result => result.key === 'tasks/T-1006')
    const now = summary.questions.find(question => question.asOf === undefined && question.question === travel[0]!.question)!.results.find(result => result.key === 'tasks/T-1006')
    expect((past?.value as { status?: string } | undefined)?.status).toBe('blocked')
    expect((now?.value as { status?: string } | undefined)?.status).toBe('done')
    expect(summary.verify.ok).toBe(true)
  })

  it('prints the plan, cited results and answer of each question for people', async () => {
    const run = await runInProcess(['demo'])
    expect(run.exitCode).toBe(0)
    for (let index = 1; index <= 8; index++) expect(run.stdout).toContain(`[${index}/8]`)
    expect(run.stdout.match(/^ {3}plan {5}/gm)?.length).toBe(8)
    expect(run.stdout).toContain('time travel')
    expect(run.stdout).toMatch(/answer {3}\S/)
    expect(run.stdout).toContain('temporary, removed at the end')
  })
})
