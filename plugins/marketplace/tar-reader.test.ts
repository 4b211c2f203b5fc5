import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { errorCodeOf } from './test-support/error-code.js'
import { unpackTarball } from './plugin-tarball.js'
import { BLOCK_SIZE, headerChecksum } from './tar-format.js'
import { readTar } from './tar-reader.js'
import { writeTar, type TarWriteEntry } from './tar-writer.js'

const text = (value: string) => new TextEncoder().encode(value)
const TYPED = new Set(['MARKETPLACE_ARCHIVE_INVALID', 'MARKETPLACE_ARCHIVE_UNSAFE', 'MARKETPLACE_PACKAGE_TOO_LARGE'])


/** A pax extended header entry ("x") setting `path` for the next entry. */
function paxPath(path: string): Uint8Array {
  let record = ''
  const body = ` path=${path}\n`
  for (let length = body.length + 1; ; length++) if (`${length}${body}`.length === length) {
    record = `${length}${body}`
    break
  }
  const archive = writeTar([{ path: 'PaxHeader/x', data: text(record) }])
  const header = archive.subarray(0, BLOCK_SIZE)
  header[156] = 'x'.charCodeAt(0)
  header.fill(0x20, 148, 156)
  header.set(text(`${headerChecksum(header).toString(8).padStart(6, '0')}\0 `), 148)
  return archive.subarray(0, archive.length - 2 * BLOCK_SIZE)
}

/** Recomputes the checksum of every block that looks like a ustar header, so mutations reach the checks behind it. */
function fixChecksums(bytes: Uint8Array): void {
  for (let offset = 0; offset + BLOCK_SIZE <= bytes.length; offset += BLOCK_SIZE) {
    const header = bytes.subarray(offset, offset + BLOCK_SIZE)
    if (String.fromCharCode(...header.subarray(257, 262)) !== 'ustar') continue
    header.set(text(`${headerChecksum(header).toString(8).padStart(6, '0')}\0 `), 148)
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

describe('readTar', () => {
  it('reads back what writeTar wrote: files, directories, modes and long paths split into prefix and name', () => {
    const long = `package/${'d'.repeat(120)}/${'f'.repeat(90)}.js`
    const entries = readTar({ bytes: writeTar([{ path: 'package/index.js', data: text('export default 1') }, { path: 'package/lib', type: 'directory' }, { path: long, data: text('long'), mode: 0o755 }]) })
    expect(entries.map((entry) => [entry.path, entry.type, entry.mode, new TextDecoder().decode(entry.data)])).toEqual([
      ['package/index.js', 'file', 0o644, 'export default 1'],
      ['package/lib', 'directory', 0o755, ''],
      [long, 'file', 0o755, 'long'],
    ])
  })

  it('takes the path of the next entry from a pax header, and still checks it', () => {
    const ok = concat(paxPath('package/from-pax.js'), writeTar([{ path: 'package/short', data: text('pax') }]))
    expect(readTar({ bytes: ok }).map((entry) => entry.path)).toEqual(['package/from-pax.js'])
    const escaping = concat(paxPath('../escape.js'), writeTar([{ path: 'package/short', data: text('pax') }]))
    expect(errorCodeOf(() => readTar({ bytes: escaping }))).toBe('MARKETPLACE_ARCHIVE_UNSAFE')
  })

  const unsafe: [string, TarWriteEntry[]][] = [
    ['a ".." segment', [{ path: 'package/../../etc/cron.d/x', data: text('x') }]],
    ['an absolute path', [{ path: '/etc/passwd', data: text('x') }]],
    ['a drive letter', [{ path: 'C:/Windows/x', data: text('x') }]],
    ['a backslash', [{ path: 'package\\..\\x', data: text('x') }]],
    ['a symbolic link', [{ path: 'package/link', type: 'symlink', linkTarget: '/' }]],
    ['a hard link', [{ path: 'package/link', type: 'hardlink', linkTarget: 'package/index.js' }]],
    ['a character device', [{ path: 'package/tty', type: 'character-device' }]],
    ['a FIFO', [{ path: 'package/pipe', type: 'fifo' }]],
    ['a duplicate name', [{ path: 'package/a.js', data: text('1') }, { path: 'package/a.js', data: text('2') }]],
    ['names differing only in case', [{ path: 'package/A.js', data: text('1') }, { path: 'package/a.js', data: text('2') }]],
    ['a file below a file', [{ path: 'package/a', data: text('1') }, { path: 'package/a/b', data: text('2') }]],
    ['a control character', [{ path: 'package/a\u0001.js', data: text('1') }]],
  ]
  for (const [label, entries] of unsafe) {
    it(`refuses ${label}`, () => {
      expect(errorCodeOf(() => readTar({ bytes: writeTar(entries) }))).toBe('MARKETPLACE_ARCHIVE_UNSAFE')
    })
  }

  it('refuses archives over the entry, file and total limits', () => {
    const many = writeTar(Array.from({ length: 11 }, (_, index) => ({ path: `package/${index}.js`, data: text('x') })))
    expect(errorCodeOf(() => readTar({ bytes: many, limits: { maxEntries: 10 } }))).toBe('MARKETPLACE_PACKAGE_TOO_LARGE')
    const big = writeTar([{ path: 'package/big', data: new Uint8Array(2000) }])
    expect(errorCodeOf(() => readTar({ bytes: big, limits: { maxFileBytes: 1000 } }))).toBe('MARKETPLACE_PACKAGE_TOO_LARGE')
    const total = writeTar([{ path: 'package/a', data: new Uint8Array(600) }, { path: 'package/b', data: new Uint8Array(600) }])
    expect(errorCodeOf(() => readTar({ bytes: total, limits: { maxTotalBytes: 1000 } }))).toBe('MARKETPLACE_PACKAGE_TOO_LARGE')
  })

  it('refuses truncated archives, bad checksums, non-ustar headers and trailing garbage', () => {
    const good = writeTar([{ path: 'package/index.js', data: text('export default 1') }])
    expect(errorCodeOf(() => readTar({ bytes: good.subarray(0, BLOCK_SIZE * 2) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    expect(errorCodeOf(() => readTar({ bytes: good.subarray(0, 700) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    const badChecksum = good.slice()
    badChecksum[0] = 'q'.charCodeAt(0)
    expect(errorCodeOf(() => readTar({ bytes: badChecksum }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    const gnu = good.slice()
    gnu.set(text('ustar  \0'), 257)
    expect(errorCodeOf(() => readTar({ bytes: gnu }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    const trailing = concat(good, new Uint8Array(BLOCK_SIZE).fill(7))
    expect(errorCodeOf(() => readTar({ bytes: trailing }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    expect(readTar({ bytes: concat(good, new Uint8Array(BLOCK_SIZE * 4)) })).toHaveLength(1)
  })

  it('refuses tarballs that are not gzip or whose entries are outside package/', () => {
    expect(errorCodeOf(() => unpackTarball({ bytes: writeTar([{ path: 'package/a', data: text('x') }]) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    expect(errorCodeOf(() => unpackTarball({ bytes: gzipSync(writeTar([{ path: 'other/a', data: text('x') }])) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
    expect(errorCodeOf(() => unpackTarball({ bytes: gzipSync(Buffer.from('not a tar at all, but gzip')) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
  })

  it('gives only typed errors for randomly mutated archives (seeded fuzz)', () => {
    const seed = Number(process.env.LIVINGDB_FUZZ_SEED ?? 20261124)
    let state = seed >>> 0
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0
      let value = state
      value = Math.imul(value ^ (value >>> 15), value | 1)
      value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296
    }
    const base = writeTar([
      { path: 'package/livingdb-plugin.json', data: text('{"name":"x"}') },
      { path: 'package/lib', type: 'directory' },
      { path: `package/${'d'.repeat(120)}/lib.js`, data: text('export const x = 1\n'.repeat(40)) },
      { path: 'package/index.js', data: text('export default {}') },
    ])
    const outcomes = new Map<string, number>()
    for (let iteration = 0; iteration < 3_000; iteration++) {
      const bytes = base.slice()
      const mutations = 1 + Math.floor(random() * 4)
      let mutated: Uint8Array = bytes
      for (let step = 0; step < mutations; step++) {
        const position = Math.floor(random() * mutated.length)
        const kind = random()
        if (kind < 0.6) mutated[position] = Math.floor(random() * 256)
        else if (kind < 0.75) mutated = mutated.subarray(0, position)
        else if (kind < 0.9) mutated[position] = [0x30, 0x37, 0x20, 0x00, 0x2f, 0x2e, 0x32, 0x35][Math.floor(random() * 8)]!
        else mutated = concat(mutated.subarray(0, position), new Uint8Array(Math.floor(random() * 1024)).map(() => Math.floor(random() * 256)), mutated.subarray(position))
      }
      if (random() < 0.5) fixChecksums(mutated)
      let outcome: string
      try {
        readTar({ bytes: mutated, limits: { maxEntries: 50, maxFileBytes: 1 << 20, maxTotalBytes: 2 << 20 } })
        outcome = 'ok'
      } catch (error) {
        if (!LivingDbError.isInstance(error) || !TYPED.has(error.code)) {
          throw new Error(`fuzz seed ${seed}, iteration ${iteration}: untyped failure ${String(error)} (rerun with LIVINGDB_FUZZ_SEED=${seed})`)
        }
        outcome = error.code
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
    }
    expect(outcomes.get('MARKETPLACE_ARCHIVE_INVALID') ?? 0, `seed ${seed}`).toBeGreaterThan(100)
    expect(outcomes.get('MARKETPLACE_ARCHIVE_UNSAFE') ?? 0, `seed ${seed}: mutations that pass the checksum reach the path and type checks`).toBeGreaterThan(0)
  })
  it('gives only typed errors for mutated gzip tarballs (seeded fuzz)', () => {
    const seed = Number(process.env.LIVINGDB_FUZZ_SEED ?? 20261124)
    let state = seed >>> 0
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return state / 4294967296
    }
    const base = new Uint8Array(gzipSync(writeTar([{ path: 'package/index.js', data: text('export default {}\n'.repeat(50)) }, { path: 'package/livingdb-plugin.json', data: text('{}') }])))
    for (let iteration = 0; iteration < 1_000; iteration++) {
      const bytes = base.slice()
      for (let step = 0; step < 1 + Math.floor(random() * 3); step++) bytes[10 + Math.floor(random() * (bytes.length - 10))] = Math.floor(random() * 256)
      try {
        unpackTarball({ bytes, limits: { maxEntries: 20, maxFileBytes: 1 << 16, maxTotalBytes: 1 << 17 } })
      } catch (error) {
        if (!LivingDbError.isInstance(error) || !TYPED.has(error.code)) throw new Error(`fuzz seed ${seed}, iteration ${iteration}: untyped failure ${String(error)} (rerun with LIVINGDB_FUZZ_SEED=${seed})`)
      }
    }
    expect(errorCodeOf(() => unpackTarball({ bytes: base.subarray(0, base.length - 9) }))).toBe('MARKETPLACE_ARCHIVE_INVALID')
  })
})
