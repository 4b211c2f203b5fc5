import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { temporaryDirectory } from './test-support/run-in-process.js'

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url))
const mainFile = fileURLToPath(new URL('./main.ts', import.meta.url))
/** tsx's loader by absolute URL: the children run from temporary directories where `tsx` alone would not resolve. */
const tsxLoader = pathToFileURL(join(repositoryRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

interface ChildRun {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `livingdb` as a real child process (through tsx), from an unrelated working directory. */
function runChild(argv: readonly string[], cwd: string): Promise<ChildRun> {
  return new Promise(resolve => {
    execFile(process.execPath, ['--import', tsxLoader, mainFile, ...argv], { cwd, env: { ...process.env, LIVINGDB_DB: '' }, timeout: 50_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ exitCode, stdout, stderr })
    })
  })
}

let directory: ReturnType<typeof temporaryDirectory>
beforeEach(() => {
  directory = temporaryDirectory()
})
afterEach(() => directory.remove())

describe('the livingdb executable', () => {
  it('starts with a node shebang so the package bin runs directly', () => {
    expect(readFileSync(mainFile, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('sets exit codes 0, 1 and 2 and prints JSON errors without stack traces', async () => {
    const db = join(directory.path, 'db')
    const put = await runChild(['kv', 'put', 'greeting', '"hello"', '--db', db, '--json'], directory.path)
    expect(put.exitCode).toBe(0)
    expect(JSON.parse(put.stdout)).toMatchObject({ key: 'greeting' })

    const missing = await runChild(['kv', 'get', 'nope', '--db', db, '--json'], directory.path)
    expect(missing.exitCode).toBe(1)
    expect(missing.stdout).toBe('')
    expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'KEY_NOT_FOUND', message: expect.stringContaining('nope') } })

    const usage = await runChild(['kv', 'get'], directory.path)
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr).toMatch(/^livingdb: error CLI_USAGE: /)
    expect(usage.stderr).not.toMatch(/\n\s+at /)
  })

  it('uses ./livingdb-data in the working directory by default', async () => {
    const put = await runChild(['kv', 'put', 'a', '1'], directory.path)
    expect(put.exitCode).toBe(0)
    expect(existsSync(join(directory.path, 'livingdb-data'))).toBe(true)
    const get = await runChild(['kv', 'get', 'a'], directory.path)
    expect(get.stdout.trim()).toBe('1')
  })

  it('runs the demo end to end from another directory and prints a JSON summary', async () => {
    const run = await runChild(['demo', '--json'], directory.path)
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    const summary = JSON.parse(run.stdout)
    const sampleLines = readFileSync(join(repositoryRoot, 'examples', 'sample-store.jsonl'), 'utf8').trim().split('\n').length
    expect(summary.import.imported).toBe(sampleLines)
    const versions: { txnId: number; status: string }[] = summary.timeTravel.versions
    expect(summary.timeTravel.key).toBe('tasks/T-1006')
    expect(versions.map(version => version.status)).toEqual(['blocked', 'in_progress', 'done'])
    expect(summary.questions).toHaveLength(8)
    expect(summary.questions.filter((question: { asOf?: number }) => question.asOf === versions[0]!.txnId)).toHaveLength(1)
    expect(summary.verify.ok).toBe(true)
    expect(summary.database.temporary).toBe(true)
    expect(existsSync(summary.database.path)).toBe(false)
  })

  it('runs the demo in human form into a kept --db directory', async () => {
    const db = join(directory.path, 'demo-db')
    const run = await runChild(['demo', '--db', db], directory.path)
    expect(run.exitCode).toBe(0)
    for (const step of ['1. import', '2. index', '3. the story moves on', '4. ask 8 questions', '[8/8]', '5. verify']) expect(run.stdout).toContain(step)
    expect(run.stdout).toContain('status "blocked"')
    expect(existsSync(db)).toBe(true)
    const get = await runChild(['kv', 'get', 'tasks/T-1006', '--db', db, '--json'], directory.path)
    expect(JSON.parse(get.stdout).value.status).toBe('done')
  })
})
