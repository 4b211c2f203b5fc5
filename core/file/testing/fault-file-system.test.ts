import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../../errors/index.js'
import { FaultFileSystem } from './fault-file-system.js'

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

function codeOf(action: () => unknown): string | undefined {
  try {
    action()
  } catch (error) {
    return LivingDbError.isInstance(error) ? error.code : 'not a LivingDbError'
  }
  return undefined
}

describe('FaultFileSystem', () => {
  it('behaves like a file system: files, directories, listing, rename, remove', () => {
    const fs = new FaultFileSystem()
    fs.mkdir('/a/b')
    expect(fs.exists('/a')).toBe(true)
    const handle = fs.open('/a/b/file', { create: true })
    handle.write(bytes(1, 2, 3), 0, 3, 0)
    handle.write(bytes(9), 0, 1, 5)
    expect(handle.size()).toBe(6)
    const target = new Uint8Array(10)
    expect(handle.read(target, 0, 10, 0)).toBe(6)
    expect([...target.subarray(0, 6)]).toEqual([1, 2, 3, 0, 0, 9])
    handle.truncate(2)
    expect(fs.readFile('/a/b/file')).toEqual(bytes(1, 2))
    expect(fs.list('/a')).toEqual(['b'])
    fs.rename('/a/b/file', '/a/b/other')
    expect(fs.list('/a/b')).toEqual(['other'])
    fs.remove('/a/b/other')
    expect(fs.exists('/a/b/other')).toBe(false)
    expect(codeOf(() => fs.open('/a/b/missing'))).toBe('IO_ERROR')
    expect(codeOf(() => fs.open('/nowhere/file', { create: true }))).toBe('IO_ERROR')
    const release = fs.lock('/a/LOCK')
    expect(codeOf(() => fs.lock('/a/LOCK'))).toBe('DB_LOCKED')
    release()
    fs.lock('/a/LOCK')
  })

  it('keeps only fsynced data and synced directory entries when nothing else survives', () => {
    const fs = new FaultFileSystem()
    fs.mkdir('/d')
    const synced = fs.open('/d/synced', { create: true })
    synced.write(bytes(1, 2), 0, 2, 0)
    synced.sync()
    fs.syncDirectory('/d')
    synced.write(bytes(3), 0, 1, 2)
    const unsyncedEntry = fs.open('/d/new', { create: true })
    unsyncedEntry.write(bytes(7), 0, 1, 0)
    unsyncedEntry.sync()
    const none = fs.crash({ survival: 'none' })
    expect(none.readFile('/d/synced')).toEqual(bytes(1, 2))
    expect(none.exists('/d/new')).toBe(false)
    const all = fs.crash({ survival: 'all' })
    expect(all.readFile('/d/synced')).toEqual(bytes(1, 2, 3))
    expect(all.readFile('/d/new')).toEqual(bytes(7))
  })

  it('keeps an ordered prefix of un-fsynced writes, seeded and deterministic', () => {
    const fs = new FaultFileSystem()
    const handle = fs.open('/log', { create: true })
    fs.syncDirectory('/')
    for (let index = 0; index < 10; index++) handle.write(bytes(index + 1, index + 1), 0, 2, index * 2)
    const seen = new Set<number>()
    for (let seed = 1; seed <= 40; seed++) {
      const survived = fs.crash({ seed, survival: 'prefix' }).readFile('/log')
      expect(fs.crash({ seed, survival: 'prefix' }).readFile('/log')).toEqual(survived)
      // An ordered prefix: byte i holds its value for every i before the cut.
      for (let index = 0; index < survived.length; index++) expect(survived[index]).toBe(Math.floor(index / 2) + 1)
      seen.add(survived.length)
    }
    expect(seen.size).toBeGreaterThan(5) // different seeds cut at different places, torn ones included
  })

  it('injects torn, short and failing writes at the chosen write call', () => {
    const fs = new FaultFileSystem()
    const handle = fs.open('/f', { create: true })
    fs.injectWriteFault({ at: 2, kind: 'short', keepBytes: 1 })
    fs.injectWriteFault({ at: 3, kind: 'error' })
    fs.injectWriteFault({ at: 4, kind: 'torn', keepBytes: 2 })
    handle.write(bytes(1, 1, 1), 0, 3, 0)
    expect(codeOf(() => handle.write(bytes(2, 2, 2), 0, 3, 3))).toBe('IO_ERROR')
    expect(fs.readFile('/f')).toEqual(bytes(1, 1, 1, 2))
    expect(codeOf(() => handle.write(bytes(3, 3, 3), 0, 3, 4))).toBe('IO_ERROR')
    expect(fs.readFile('/f')).toEqual(bytes(1, 1, 1, 2))
    expect(codeOf(() => handle.write(bytes(4, 4, 4), 0, 3, 4))).toBe('IO_ERROR')
    expect(fs.crashed).toBe(true)
    expect(codeOf(() => handle.read(new Uint8Array(1), 0, 1, 0))).toBe('IO_ERROR')
    expect(fs.writes).toBe(4)
    expect(fs.crash({ survival: 'all' }).readFile('/f')).toEqual(bytes(1, 1, 1, 2, 4, 4))
  })

  it('fails the chosen fsync and leaves its data un-durable', async () => {
    const fs = new FaultFileSystem()
    const handle = fs.open('/f', { create: true })
    fs.syncDirectory('/')
    handle.write(bytes(1), 0, 1, 0)
    fs.injectSyncFault({ at: 2 })
    fs.injectSyncFault({ at: 3 })
    expect(codeOf(() => handle.sync())).toBe('IO_ERROR')
    await expect(handle.syncAsync()).rejects.toMatchObject({ code: 'IO_ERROR' })
    expect(fs.syncs).toBe(3)
    expect(fs.crash({ survival: 'none' }).readFile('/f')).toEqual(bytes())
    await handle.syncAsync()
    expect(fs.crash({ survival: 'none' }).readFile('/f')).toEqual(bytes(1))
  })

  it('an async fsync covers only the writes made before it started', async () => {
    const fs = new FaultFileSystem()
    const handle = fs.open('/f', { create: true })
    fs.syncDirectory('/')
    handle.write(bytes(1), 0, 1, 0)
    const pending = handle.syncAsync()
    handle.write(bytes(2), 0, 1, 1)
    await pending
    expect(fs.crash({ survival: 'none' }).readFile('/f')).toEqual(bytes(1))
    expect(fs.crash({ survival: 'all' }).readFile('/f')).toEqual(bytes(1, 2))
  })
})
