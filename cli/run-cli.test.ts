import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ALL_COMMANDS } from './commands/index.js'
import { jsonError, runInProcess } from './test-support/run-in-process.js'

describe('livingdb command dispatch and help', () => {
  it('lists every command in the top-level help', async () => {
    const run = await runInProcess(['--help'])
    expect(run.exitCode).toBe(0)
    for (const command of ALL_COMMANDS) expect(run.stdout).toContain(command.path.join(' '))
    expect(run.stdout).toContain('--db DIR')
  })

  it('prints the help on stderr and exits 2 without a command', async () => {
    const run = await runInProcess([])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Usage: livingdb <command>')
  })

  it('has --help with usage, options and examples on every command', async () => {
    for (const command of ALL_COMMANDS) {
      const run = await runInProcess([...command.path, '--help'])
      expect(run.exitCode, command.path.join(' ')).toBe(0)
      expect(run.stdout).toContain(`Usage: livingdb ${command.path.join(' ')}`)
      expect(run.stdout).toContain('Examples:')
      expect(run.stdout).toContain('--json')
      expect(command.examples.length).toBeGreaterThan(0)
    }
  })

  it('shows a group help for `kv --help` and exits 2 for a bare group', async () => {
    const help = await runInProcess(['kv', '--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('kv scan')
    expect(help.stdout).not.toContain('demo')
    const bare = await runInProcess(['kv'])
    expect(bare.exitCode).toBe(2)
    expect(bare.stderr).toContain('kv get')
  })

  it('rejects unknown commands and options with exit 2 and a suggestion', async () => {
    const command = await runInProcess(['kv', 'gett', 'a'])
    expect(command.exitCode).toBe(2)
    expect(command.stderr).toContain('CLI_USAGE')
    expect(command.stderr).toContain('Did you mean "get"?')
    const option = await runInProcess(['kv', 'scan', '--prefx', 'a'])
    expect(option.exitCode).toBe(2)
    expect(option.stderr).toContain('Did you mean --prefix?')
    expect(option.stderr).not.toMatch(/\n\s+at /)
  })

  it('reports usage errors as JSON on stderr with --json', async () => {
    const run = await runInProcess(['kv', 'get', '--json'])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    const error = jsonError(run)
    expect(error.code).toBe('CLI_USAGE')
    expect(error.message).toContain('<key>')
  })

  it('rejects extra positional arguments', async () => {
    const run = await runInProcess(['stats', 'extra'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('"extra"')
  })

  it('accepts --db before the command words', async () => {
    const run = await runInProcess(['--db', '/nonexistent/livingdb-cli-test', 'stats', '--json'])
    expect(run.exitCode).toBe(1)
    expect(jsonError(run).code).toBe('DB_NOT_FOUND')
  })

  it('prints the version', async () => {
    const run = await runInProcess(['--version'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('documents every command in docs/cli.md', () => {
    const documentation = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8')
    for (const command of ALL_COMMANDS) expect(documentation, command.path.join(' ')).toContain(`livingdb ${command.path.join(' ')}`)
  })

  it('keeps stderr machine-readable for a missing command with --json', async () => {
    const run = await runInProcess(['kv', '--json'])
    expect(run.exitCode).toBe(2)
    expect(jsonError(run)).toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining('livingdb kv needs a command') })
  })
})
