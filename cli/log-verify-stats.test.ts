import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOG_DIRECTORY_NAME, open, PAGE_FILE_NAME } from '../index.js'
import { jsonError, jsonLines, runInProcess, temporaryDirectory } from './test-support/run-in-process.js'

let directory: ReturnType<typeof temporaryDirectory>
let db: string

beforeEach(async () => {
  directory = temporaryDirectory()
  db = join(directory.path, 'db')
  const database = await open({ path: db })
  await database.write(tx => {
    for (let index = 0; index < 300; index++) tx.put(`items/${String(index).padStart(4, '0')}`, { index, text: `item number ${index} `.repeat(4) })
  })
  await database.put('blob', new Uint8Array([1, 2, 3]))
  await database.delete('items/0000')
  await database.close()
})
afterEach(() => directory.remove())

/** Flips one byte of a file (XOR 0xff). */
function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file)
  bytes[offset] = bytes[offset]! ^ 0xff
  writeFileSync(file, bytes)
}

describe('livingdb log', () => {
  it('prints every commit in human form, capping long op lists', async () => {
    const run = await runInProcess(['log', '--db', db])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^txn 1 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}app {2}300 ops\n {2}put items\/0000 \{"index":0,/)
    expect(run.stdout).toContain('… 290 more ops (--json prints every op)')
    expect(run.stdout).toContain('txn 2')
    expect(run.stdout).toContain('  put blob <3 bytes base64:AQID>')
    expect(run.stdout).toMatch(/txn 3 .*\n {2}delete items\/0000\n$/)
  })

  it('prints JSON lines from --from, with --limit', async () => {
    const run = await runInProcess(['log', '--db', db, '--from', '2', '--json'])
    const commits = jsonLines(run.stdout) as { txnId: number; origin: string; ops: unknown[] }[]
    expect(commits.map(commit => commit.txnId)).toEqual([2, 3])
    expect(commits[0]!.ops).toEqual([{ type: 'put', keyspace: 'default', key: 'blob', value: 'AQID', valueEncoding: 'base64' }])
    expect(commits[1]!.ops).toEqual([{ type: 'delete', keyspace: 'default', key: 'items/0000' }])
    const limited = await runInProcess(['log', '--db', db, '--limit', '1', '--json'])
    expect(jsonLines(limited.stdout)).toHaveLength(1)
    const beyond = await runInProcess(['log', '--db', db, '--from', '99'])
    expect(beyond).toMatchObject({ exitCode: 0, stdout: '' })
  })

  it('--follow tails the log files without taking the lock, while another handle writes', async () => {
    const controller = new AbortController()
    let seen = ''
    let wake: () => void = () => {}
    const following = runInProcess(['log', '--db', db, '--from', '3', '--follow', '--json'], {
      signal: controller.signal,
      onStdout: text => {
        seen += text
        wake()
      },
    })
    const waitFor = async (predicate: () => boolean): Promise<void> => {
      while (!predicate()) await new Promise<void>(resolve => (wake = resolve))
    }
    await waitFor(() => seen.includes('"txnId":3'))
    const database = await open({ path: db })
    try {
      await database.put('live/1', 'hello')
      await waitFor(() => seen.includes('"txnId":4'))
    } finally {
      await database.close()
    }
    controller.abort()
    const run = await following
    expect(run.exitCode).toBe(0)
    const commits = jsonLines(run.stdout) as { txnId: number; ops: { key: string }[] }[]
    expect(commits.map(commit => commit.txnId)).toEqual([3, 4])
    expect(commits[1]!.ops[0]!.key).toBe('live/1')
  })

  it('--follow stops after --limit commits', async () => {
    const run = await runInProcess(['log', '--db', db, '--follow', '--limit', '2', '--json'])
    expect(jsonLines(run.stdout).map(commit => (commit as { txnId: number }).txnId)).toEqual([1, 2])
  })
})

describe('livingdb verify', () => {
  it('passes on a healthy database in human and JSON form', async () => {
    const human = await runInProcess(['verify', '--db', db])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/^verify: OK \(2 meta pages, \d+ reachable pages \(\d+ in the file\), 3 log records in 1 segment, 300 keys in 1 keyspace\)\n$/)
    const json = await runInProcess(['verify', '--db', db, '--json'])
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ ok: true, problems: [], warnings: [], checked: { metaPages: 2, logRecords: 3, keys: 300, keyspaces: 1 } })
    expect(report.checked.pages).toBeGreaterThan(3)
    expect(report.checked.filePages).toBeGreaterThanOrEqual(report.checked.pages)
  })

  it('fails with exit 1 and names the page when one byte of a page is flipped', async () => {
    const pageFile = join(db, PAGE_FILE_NAME)
    const pages = readFileSync(pageFile).length / 4096
    // Flip a byte in the middle of every page after the metas, one at a time: each must be caught.
    for (let page = 2; page < pages; page++) {
      const original = readFileSync(pageFile)
      flipByte(pageFile, page * 4096 + 2000)
      const run = await runInProcess(['verify', '--db', db, '--json'])
      expect(run.exitCode, `page ${page}`).toBe(1)
      const report = JSON.parse(run.stdout)
      expect(report.ok).toBe(false)
      expect(report.problems.map((problem: { code: string }) => problem.code)).toContain('CORRUPT_PAGE')
      expect(report.problems.some((problem: { message: string }) => problem.message.includes(`Page ${page} `))).toBe(true)
      writeFileSync(pageFile, original)
    }
    const human = await runInProcess(['verify', '--db', db])
    expect(human.exitCode).toBe(0)
  })

  it('fails on a damaged meta page, on damaged log records, and survives a database that will not open', async () => {
    const pageFile = join(db, PAGE_FILE_NAME)
    const original = readFileSync(pageFile)
    flipByte(pageFile, 40)
    const meta = await runInProcess(['verify', '--db', db])
    expect(meta.exitCode).toBe(1)
    expect(meta.stdout).toContain('Meta page 0')
    writeFileSync(pageFile, original)

    const segment = join(db, LOG_DIRECTORY_NAME, readdirSync(join(db, LOG_DIRECTORY_NAME))[0]!)
    flipByte(segment, 100)
    const log = await runInProcess(['verify', '--db', db])
    expect(log.exitCode).toBe(1)
    expect(log.stdout).toContain('CORRUPT_LOG')
    expect(log.stdout).toContain('livingdb repair')
    expect(log.stderr).toBe('')
  })

  it('draws a progress bar on a terminal only', async () => {
    const tty = await runInProcess(['verify', '--db', db], { tty: true })
    expect(tty.stderr).toMatch(/\r\x1b\[Kverify █+ 100% \d+\/\d+/)
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true)
    expect((await runInProcess(['verify', '--db', db])).stderr).toBe('')
    expect((await runInProcess(['verify', '--db', db, '--json'], { tty: true })).stderr).toBe('')
  })

  it('refuses a missing directory', async () => {
    const run = await runInProcess(['verify', '--db', join(directory.path, 'nothing'), '--json'])
    expect(run.exitCode).toBe(1)
    expect(jsonError(run).code).toBe('DB_NOT_FOUND')
  })
})

describe('livingdb repair', () => {
  it('moves damaged log records aside so the database opens, and changes nothing on an intact log', async () => {
    const intact = await runInProcess(['repair', '--db', db])
    expect(intact.exitCode).toBe(0)
    expect(intact.stdout).toContain('the commit log is intact (last txn 3); nothing changed')

    const segment = join(db, LOG_DIRECTORY_NAME, readdirSync(join(db, LOG_DIRECTORY_NAME))[0]!)
    // Damage txn 2 (the put of "blob"); txn 3 after it is intact, so this is corruption, not a torn tail.
    flipByte(segment, readFileSync(segment).indexOf('blob'))
    const refused = await runInProcess(['kv', 'get', 'blob', '--db', db, '--json'])
    expect(jsonError(refused).code).toBe('CORRUPT_LOG')

    const repaired = await runInProcess(['repair', '--db', db, '--json'])
    expect(repaired.exitCode).toBe(0)
    const report = JSON.parse(repaired.stdout)
    expect(report.repaired).toBe(true)
    expect(report.discardedFiles).toHaveLength(1)
    expect(report.lastTxnId).toBe(1)
    expect(report.truncated.file).toBe(segment)
    expect((await runInProcess(['verify', '--db', db])).exitCode).toBe(0)
    expect((await runInProcess(['kv', 'get', 'blob', '--db', db])).exitCode).toBe(0)
  })
})

describe('livingdb stats', () => {
  it('prints the engine counters in human and JSON form', async () => {
    const human = await runInProcess(['stats', '--db', db])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/txnId: +3\n/)
    expect(human.stdout).toMatch(/keyspaces:\n {2}default: 300\n/)
    expect(human.stdout).toMatch(/fileBytes: +[\d.]+ KiB \([\d,]+\)/)
    const json = JSON.parse((await runInProcess(['stats', '--db', db, '--json'])).stdout)
    expect(json).toMatchObject({ txnId: 3, keyspaces: { default: 300 }, pageSize: 4096 })
  })
})
