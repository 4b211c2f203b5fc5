import { MarketplaceError } from './marketplace-error.js'

/** A parsed semantic version (semver 2.0.0); build metadata is dropped. */
export interface SemanticVersion {
  readonly major: number
  readonly minor: number
  readonly patch: number
  readonly prerelease: readonly (string | number)[]
}

const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

/** Parses `1.2.3`, `1.2.3-beta.1+build`; undefined when it is not semver. */
export function parseVersion(text: string): SemanticVersion | undefined {
  const match = VERSION.exec(text.trim())
  if (match === null) return undefined
  const numbers = [match[1], match[2], match[3]].map(Number)
  if (!numbers.every(Number.isSafeInteger)) return undefined
  const prerelease = match[4] === undefined ? [] : match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  return { major: numbers[0]!, minor: numbers[1]!, patch: numbers[2]!, prerelease }
}

function mustParse(text: string): SemanticVersion {
  const version = parseVersion(text)
  if (version === undefined) throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${JSON.stringify(text)} is not a semantic version (e.g. "1.2.3").`)
  return version
}

/** Orders two versions by semver precedence: negative, zero or positive. */
export function compareVersions(left: SemanticVersion | string, right: SemanticVersion | string): number {
  const a = typeof left === 'string' ? mustParse(left) : left
  const b = typeof right === 'string' ? mustParse(right) : right
  if (a.major !== b.major) return a.major - b.major
  if (a.minor !== b.minor) return a.minor - b.minor
  if (a.patch !== b.patch) return a.patch - b.patch
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length
  for (let index = 0; index < Math.max(a.prerelease.length, b.prerelease.length); index++) {
    const x = a.prerelease[index]
    const y = b.prerelease[index]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    if (typeof x === 'number' && typeof y === 'number') return x - y
    if (typeof x === 'number') return -1
    if (typeof y === 'number') return 1
    return x < y ? -1 : 1
  }
  return 0
}

type Operator = '<' | '<=' | '>' | '>=' | '='
interface Comparator {
  readonly operator: Operator
  readonly version: SemanticVersion
}

/** A partial version (`1`, `1.2`, `1.x`, `*`) with its missing parts as undefined. */
interface Partial {
  readonly major?: number
  readonly minor?: number
  readonly patch?: number
  readonly prerelease: readonly (string | number)[]
}

const PARTIAL = /^v?(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]+)?)?)?$/

function parsePartial(text: string, range: string): Partial {
  const match = PARTIAL.exec(text)
  if (match === null) throw invalidRange(range, `${JSON.stringify(text)} is not a version`)
  const number = (part: string | undefined) => (part === undefined || part === '*' || part === 'x' || part === 'X' ? undefined : Number(part))
  const major = number(match[1])
  const minor = major === undefined ? undefined : number(match[2])
  const patch = minor === undefined ? undefined : number(match[3])
  const prerelease = patch === undefined || match[4] === undefined ? [] : match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  return { major, minor, patch, prerelease }
}

const version = (major: number, minor: number, patch: number, prerelease: readonly (string | number)[] = []): SemanticVersion => ({ major, minor, patch, prerelease })
/** The lowest version above every release of `major.minor.patch` (used for exclusive upper bounds). */
const lowest = (major: number, minor: number, patch: number): SemanticVersion => version(major, minor, patch, [0])

function invalidRange(range: string, reason: string): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${JSON.stringify(range)} is not a semver range (${reason}). Use forms like "^1.2.0", "~1.2", ">=1.0.0 <2.0.0", "1.x" or "*".`, { details: { range } })
}

/** The comparators one `op version` term of a range stands for (`^1.2` → `>=1.2.0 <2.0.0-0`). */
function expand(operator: string, text: string, range: string): Comparator[] {
  const partial = parsePartial(text, range)
  const { major, minor, patch, prerelease } = partial
  const floor = version(major ?? 0, minor ?? 0, patch ?? 0, prerelease)
  if (major === undefined) return operator === '<' || operator === '>' ? [{ operator: '<', version: version(0, 0, 0, [0]) }] : []
  const nextUp = minor === undefined ? lowest(major + 1, 0, 0) : patch === undefined ? lowest(major, minor + 1, 0) : undefined
  switch (operator) {
    case '^': {
      const ceiling = major > 0 || minor === undefined ? lowest(major + 1, 0, 0) : minor > 0 || patch === undefined ? lowest(0, minor + 1, 0) : lowest(0, 0, patch + 1)
      return [{ operator: '>=', version: floor }, { operator: '<', version: ceiling }]
    }
    case '~':
      return [{ operator: '>=', version: floor }, { operator: '<', version: minor === undefined ? lowest(major + 1, 0, 0) : lowest(major, minor + 1, 0) }]
    case '':
    case '=':
      return nextUp === undefined ? [{ operator: '=', version: floor }] : [{ operator: '>=', version: floor }, { operator: '<', version: nextUp }]
    case '>':
      return [{ operator: nextUp === undefined ? '>' : '>=', version: nextUp ?? floor }]
    case '>=':
      return [{ operator: '>=', version: floor }]
    case '<':
      return [{ operator: '<', version: nextUp === undefined ? floor : version(floor.major, floor.minor, floor.patch, [0]) }]
    case '<=':
      return nextUp === undefined ? [{ operator: '<=', version: floor }] : [{ operator: '<', version: nextUp }]
    default:
      throw invalidRange(range, `unknown operator ${JSON.stringify(operator)}`)
  }
}

/** Parses a range into alternatives (`||`) of comparator sets (all must hold). */
function parseRange(range: string): Comparator[][] {
  if (range.length > 256) throw invalidRange(range.slice(0, 256), 'longer than 256 characters')
  return range.split('||').map((alternative) => {
    const trimmed = alternative.trim()
    if (trimmed === '' || trimmed === '*' || trimmed === 'x' || trimmed === 'latest') return []
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(trimmed)
    if (hyphen !== null) return [...expand('>=', hyphen[1]!, range), ...expand('<=', hyphen[2]!, range)]
    const terms = trimmed.replace(/(<=|>=|<|>|=|\^|~)\s+/g, '$1').split(/\s+/)
    return terms.flatMap((term) => {
      const match = /^(<=|>=|<|>|=|\^|~>?|)(.*)$/.exec(term)!
      return expand(match[1] === '~>' ? '~' : match[1]!, match[2]!, range)
    })
  })
}

function holds(comparator: Comparator, candidate: SemanticVersion): boolean {
  const order = compareVersions(candidate, comparator.version)
  switch (comparator.operator) {
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    case '>':
      return order > 0
    case '>=':
      return order >= 0
    case '=':
      return order === 0
  }
}

/**
 * True when `candidate` satisfies the npm-style `range` (`^`, `~`, x-ranges, hyphen
 * ranges, comparators, `||`). A prerelease version only matches when a comparator of
 * the same alternative names a prerelease of the same `major.minor.patch` (npm's rule).
 * Throws `MARKETPLACE_MANIFEST_INVALID` for a malformed range.
 *
 * @example
 * satisfies('1.4.2', '^1.2.0') // true
 * satisfies('2.0.0-beta.1', '^1.2.0') // false
 */
export function satisfies(candidate: string, range: string): boolean {
  const parsed = parseVersion(candidate)
  if (parsed === undefined) return false
  return parseRange(range).some((comparators) => {
    if (!comparators.every((comparator) => holds(comparator, parsed))) return false
    if (parsed.prerelease.length === 0) return true
    return comparators.some(({ version: bound }) => bound.prerelease.length > 0 && !isSyntheticBound(bound) && bound.major === parsed.major && bound.minor === parsed.minor && bound.patch === parsed.patch)
  })
}

/** Exclusive upper bounds (`<2.0.0-0`) are written with a `-0` prerelease; they never admit prereleases. */
function isSyntheticBound(bound: SemanticVersion): boolean {
  return bound.prerelease.length === 1 && bound.prerelease[0] === 0
}

/** Checks a range parses (throws `MARKETPLACE_MANIFEST_INVALID` naming the problem). */
export function assertValidRange(range: string): void {
  parseRange(range)
}

/** The highest of `versions` satisfying `range`, or undefined. */
export function maxSatisfying(versions: Iterable<string>, range: string): string | undefined {
  let best: string | undefined
  for (const candidate of versions) if (satisfies(candidate, range) && (best === undefined || compareVersions(candidate, best) > 0)) best = candidate
  return best
}
