import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../errors/index.js'
import { closestName, parseArguments, type OptionSpec } from './argument-parser.js'

const OPTIONS: readonly OptionSpec[] = [
  { name: 'prefix', type: 'string', description: 'prefix' },
  { name: 'limit', type: 'integer', minimum: 0, description: 'limit' },
  { name: 'reverse', type: 'boolean', description: 'reverse' },
  { name: 'help', short: 'h', type: 'boolean', description: 'help' },
]

function parse(argv: readonly string[]) {
  return parseArguments({ argv, options: OPTIONS, commandName: 'kv scan' })
}

function usageFailure(argv: readonly string[]): LivingDbError {
  try {
    parse(argv)
  } catch (error) {
    if (LivingDbError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${argv.join(' ')} to fail`)
}

describe('parseArguments', () => {
  it('reads separate and inline values, flags, shorts and positionals in any order', () => {
    const parsed = parse(['a', '--prefix', 'notes/', '--limit=5', 'b', '--reverse', '-h'])
    expect(parsed.positionals).toEqual(['a', 'b'])
    expect(parsed.options).toEqual({ prefix: 'notes/', limit: 5, reverse: true, help: true })
  })

  it('takes the next word as a value even when it starts with a dash, and treats words after -- as positionals', () => {
    expect(parse(['--prefix', '--weird']).options.prefix).toBe('--weird')
    expect(parse(['--', '--limit', '3']).positionals).toEqual(['--limit', '3'])
    expect(parse(['-5']).positionals).toEqual(['-5'])
  })

  it('keeps "=" inside inline values', () => {
    expect(parse(['--prefix=a=b']).options.prefix).toBe('a=b')
  })

  it('rejects unknown options with a suggestion and a pointer to --help', () => {
    const error = usageFailure(['--prefx', 'a'])
    expect(error.code).toBe('CLI_USAGE')
    expect(error.message).toContain('--prefx')
    expect(error.message).toContain('Did you mean --prefix?')
    expect(error.message).toContain('livingdb kv scan --help')
  })

  it('rejects a missing value, a value on a flag, a malformed or too small integer', () => {
    expect(usageFailure(['--prefix']).message).toContain('needs a value')
    expect(usageFailure(['--reverse=yes']).message).toContain('takes no value')
    expect(usageFailure(['--limit', 'ten']).message).toContain('whole number')
    expect(usageFailure(['--limit', '1.5']).message).toContain('whole number')
    expect(usageFailure(['--limit', '-1']).message).toContain('at least 0')
  })
})

describe('closestName', () => {
  it('suggests near misses only', () => {
    expect(closestName('scna', ['scan', 'get', 'put'])).toBe('scan')
    expect(closestName('export', ['scan', 'get'])).toBeUndefined()
  })
})
