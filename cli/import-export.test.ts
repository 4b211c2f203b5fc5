import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { open } from '../index.js'
import { jsonError, jsonLines, runInProcess, useTemporaryDatabase } from './test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

function writeLines(name: string, lines: readonly string[]): string {
  const file = join(temporary.directory, name)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

const record = (key: string, value: unknown) => JSON.stringify({ key, value })

async function keysIn(path: string): Promise<string[]> {
  const database = await open({ path })
  try {
    return [...database.scan()].map(entry => String(entry.key))
  } finally {
    await database.close()
  }
}

describe('livingdb import', () => {
  it('imports a JSONL file in batches and reports it in human and JSON form', async () => {
    const file = writeLines('good.jsonl', [record('a', 1), '', record('b', { x: [1, 2] }), record('c', null), record('d', 'text')])
    const human = await runInProcess(['import', file, '--db', temporary.db, '--batch-size', '2'])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/^imported 4 records from .*good\.jsonl in 2 transactions \(last txn \d+\)\n$/)
    expect(human.stderr).toBe('')
    const json = await runInProcess(['import', file, '--db', temporary.db, '--json'])
    expect(json.exitCode).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ imported: 4, lines: 4, batches: 1, skipped: [], interrupted: false })
    expect((await runInProcess(['kv', 'get', 'b', '--db', temporary.db, '--json'])).stdout).toContain('"x"')
  })

  it('stops at a bad line with IMPORT_INVALID naming the line, and writes nothing of that batch', async () => {
    const file = writeLines('bad.jsonl', [record('a', 1), record('b', 2), record('c', 3), '{"key": "d", "value": ', record('e', 5)])
    const run = await runInProcess(['import', file, '--db', temporary.db, '--batch-size', '2', '--json'])
    expect(run.exitCode).toBe(1)
    const error = jsonError(run)
    expect(error.code).toBe('IMPORT_INVALID')
    expect(error.message).toContain('line 4')
    expect(error.message).toContain('Lines 1-2 were already committed')
    expect(error.message).toContain('--skip-invalid')
    expect(await keysIn(temporary.db)).toEqual(['a', 'b'])
  })

  it('names the problem for each kind of bad line', async () => {
    const cases: [string, string][] = [
      ['[1, 2]', 'an array'],
      ['{"value": 1}', 'non-empty string "key"'],
      ['{"key": "", "value": 1}', 'non-empty string "key"'],
      ['{"key": "a"}', 'has no "value"'],
      ['{"key": "a", "value": 1, "ttl": 5}', 'unexpected field "ttl"'],
      ['{"key": "a", "value": "***", "valueEncoding": "base64"}', 'not valid base64'],
    ]
    for (const [line, expected] of cases) {
      const file = writeLines('case.jsonl', [line])
      const run = await runInProcess(['import', file, '--db', temporary.db])
      expect(run.exitCode, line).toBe(1)
      expect(run.stderr, line).toContain('IMPORT_INVALID')
      expect(run.stderr, line).toContain('line 1')
      expect(run.stderr, line).toContain(expected)
    }
  })

  it('skips and reports bad lines with --skip-invalid', async () => {
    const file = writeLines('mixed.jsonl', [record('a', 1), 'oops', record('b', 2), '{"key": 3, "value": 1}'])
    const human = await runInProcess(['import', file, '--db', temporary.db, '--skip-invalid'])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toContain('imported 2 records')
    expect(human.stdout).toContain('skipped line 2 (IMPORT_INVALID)')
    expect(human.stdout).toContain('skipped line 4 (IMPORT_INVALID)')
    expect(human.stdout).toContain('2 lines skipped')
    const json = await runInProcess(['import', file, '--db', temporary.db, '--skip-invalid', '--json'])
    expect(JSON.parse(json.stdout).skipped.map((skipped: { line: number }) => skipped.line)).toEqual([2, 4])
    expect(await keysIn(temporary.db)).toEqual(['a', 'b'])
  })

  it('stops between batches on Ctrl-C, keeping the committed batches, and exits 1', async () => {
    const file = writeLines('stop.jsonl', [record('a', 1), record('b', 2), record('c', 3)])
    const controller = new AbortController()
    controller.abort()
    const run = await runInProcess(['import', file, '--db', temporary.db, '--batch-size', '1', '--json'], { signal: controller.signal })
    expect(run.exitCode).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({ imported: 1, batches: 1, interrupted: true })
    expect(await keysIn(temporary.db)).toEqual(['a'])
  })

  it('imports from standard input with "-", e.g. piped from export', async () => {
    const source = writeLines('source.jsonl', [record('a', 1), record('b', { x: 2 })])
    const other = join(temporary.directory, 'other')
    await runInProcess(['import', source, '--db', other])
    const exported = await runInProcess(['export', '--db', other])
    const run = await runInProcess(['import', '-', '--db', temporary.db], { stdin: exported.stdout })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^imported 2 records from stdin in 1 transaction/)
    expect(await keysIn(temporary.db)).toEqual(['a', 'b'])
    const bad = await runInProcess(['import', '-', '--db', temporary.db, '--json'], { stdin: 'nope\n' })
    expect(jsonError(bad).message).toContain('stdin line 1')
  })

  it('fails clearly for a missing file', async () => {
    const run = await runInProcess(['import', join(temporary.directory, 'nope.jsonl'), '--db', temporary.db, '--json'])
    expect(run.exitCode).toBe(1)
    expect(jsonError(run).message).toContain('does not exist')
  })

  it('draws a progress bar on a terminal only, and never with --json', async () => {
    const file = writeLines('bar.jsonl', [record('a', 1), record('b', 2)])
    const tty = await runInProcess(['import', file, '--db', temporary.db], { tty: true })
    expect(tty.stderr).toContain('import ')
    expect(tty.stderr).toContain('100%')
    const json = await runInProcess(['import', file, '--db', temporary.db, '--json'], { tty: true })
    expect(json.stderr).toBe('')
  })
})

describe('livingdb export', () => {
  it('round-trips JSON and binary records through export and import', async () => {
    const database = await open({ path: temporary.db })
    await database.write(tx => {
      tx.put('text/1', { title: 'Ünïcode ✓', list: [1, 'two', null] })
      tx.put('bin/1', new Uint8Array([0, 1, 2, 255]))
      tx.put(new Uint8Array([0xff, 0x00]), 'binary key')
    })
    await database.close()

    const stdout = await runInProcess(['export', '--db', temporary.db])
    expect(stdout.exitCode).toBe(0)
    const lines = jsonLines(stdout.stdout)
    expect(lines).toContainEqual({ key: 'bin/1', value: 'AAEC/w==', valueEncoding: 'base64' })
    expect(lines).toContainEqual({ key: '/wA=', keyEncoding: 'base64', value: 'binary key' })

    const out = join(temporary.directory, 'backup.jsonl')
    const toFile = await runInProcess(['export', '--db', temporary.db, '--out', out, '--json'])
    expect(JSON.parse(toFile.stdout)).toEqual({ exported: 3, out })
    expect(readFileSync(out, 'utf8')).toBe(stdout.stdout)
    expect(readdirSync(temporary.directory).filter(name => name.includes('.tmp-'))).toEqual([])

    const copy = join(temporary.directory, 'copy')
    expect((await runInProcess(['import', out, '--db', copy])).exitCode).toBe(0)
    const reopened = await open({ path: copy })
    try {
      expect(reopened.get('bin/1')).toEqual(new Uint8Array([0, 1, 2, 255]))
      expect(reopened.get(new Uint8Array([0xff, 0x00]))).toBe('binary key')
      expect(reopened.get('text/1')).toEqual({ title: 'Ünïcode ✓', list: [1, 'two', null] })
    } finally {
      await reopened.close()
    }
  })

  it('exports only a prefix, and reports in human form', async () => {
    const file = writeLines('data.jsonl', [record('a/1', 1), record('a/2', 2), record('b/1', 3)])
    await runInProcess(['import', file, '--db', temporary.db])
    const out = join(temporary.directory, 'a.jsonl')
    const run = await runInProcess(['export', '--db', temporary.db, '--prefix', 'a/', '--out', out])
    expect(run.stdout).toBe(`exported 2 records to ${out}\n`)
    expect(jsonLines(readFileSync(out, 'utf8'))).toEqual([{ key: 'a/1', value: 1 }, { key: 'a/2', value: 2 }])
  })

  it('leaves no file behind when the output directory does not exist', async () => {
    await runInProcess(['kv', 'put', 'a', '1', '--db', temporary.db])
    const out = join(temporary.directory, 'missing', 'x.jsonl')
    const run = await runInProcess(['export', '--db', temporary.db, '--out', out, '--json'])
    expect(run.exitCode).toBe(1)
    expect(jsonError(run).code).toBe('IO_ERROR')
    expect(existsSync(out)).toBe(false)
  })
})
