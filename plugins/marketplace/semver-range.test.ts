import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { compareVersions, maxSatisfying, satisfies } from './semver-range.js'

describe('semver ranges', () => {
  const table: [string, string, boolean][] = [
    ['1.2.3', '^1.2.0', true],
    ['1.9.0', '^1.2.0', true],
    ['2.0.0', '^1.2.0', false],
    ['1.1.9', '^1.2.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.9', '~1', true],
    ['1.4.0', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.7', '1.2', true],
    ['5.0.0', '*', true],
    ['0.1.0', '>=0.1.0 <1.0.0', true],
    ['1.0.0', '>=0.1.0 <1.0.0', false],
    ['1.5.0', '1.0.0 - 2.0.0', true],
    ['2.0.1', '1.0.0 - 2.0.0', false],
    ['2.5.0', '^1.0.0 || ^2.0.0', true],
    ['3.0.0', '^1.0.0 || ^2.0.0', false],
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '=1.0.0', false],
    ['1.2.3', '> 1.2.2', true],
    ['2.0.0-beta.1', '^1.2.0', false],
    ['2.0.0-beta.1', '>=1.0.0', false],
    ['1.3.0-beta.2', '^1.3.0-beta.1', true],
    ['1.3.0-alpha', '^1.3.0-beta.1', false],
    ['1.4.0', '<=1.3', false],
    ['1.3.9', '<=1.3', true],
  ]
  for (const [version, range, expected] of table) {
    it(`${version} ${expected ? 'satisfies' : 'does not satisfy'} "${range}"`, () => {
      expect(satisfies(version, range)).toBe(expected)
    })
  }

  it('orders versions by precedence, prereleases below releases', () => {
    const sorted = ['1.0.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0-rc.1', '1.0.0-beta.11', '1.0.0-beta.2'].sort(compareVersions)
    expect(sorted).toEqual(['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'])
    expect(maxSatisfying(['1.0.0', '1.4.2', '2.0.0', '1.10.0'], '^1.0.0')).toBe('1.10.0')
    expect(maxSatisfying(['2.0.0'], '^1.0.0')).toBeUndefined()
  })

  it('refuses malformed ranges with a typed error', () => {
    for (const range of ['^banana', '>=1.0.0 <', '1.2.3.4', '~>>1']) {
      let error: unknown
      try {
        satisfies('1.0.0', range)
      } catch (caught) {
        error = caught
      }
      expect(LivingDbError.isInstance(error) && error.code, range).toBe('MARKETPLACE_MANIFEST_INVALID')
    }
  })
})
