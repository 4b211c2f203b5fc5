import path from 'node:path'
import { StorageError } from '../../../errors/index.js'
import type { FileHandle, FileSystem, OpenFileOptions } from '../file-system.js'
import { type CrashSurvival, MemoryInode, seededRandom } from './memory-inode.js'

export type { CrashSurvival } from './memory-inode.js'

/**
 * A fault to inject at write call number `at` (1-based, counted over all files):
 * - `torn`: only `keepBytes` (default: half) of the bytes reach the file, then the
 *   simulated machine dies: every later call throws until {@link FaultFileSystem.crash};
 * - `short`: only `keepBytes` reach the file and the write throws `IO_ERROR` (like ENOSPC);
 * - `error`: nothing is written and the write throws `IO_ERROR`.
 */
export interface WriteFault {
  readonly at: number
  readonly kind: 'torn' | 'short' | 'error'
  readonly keepBytes?: number
}

/** Options of {@link FaultFileSystem.crash}. */
export interface CrashOptions {
  /** Seeds which un-fsynced changes survive (default 1). */
  readonly seed?: number
  /** Default `prefix`. See {@link CrashSurvival}. */
  readonly survival?: CrashSurvival
}

type DirectoryChange =
  | { readonly kind: 'link'; readonly path: string; readonly inode: MemoryInode }
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly inode: MemoryInode }

function normalize(filePath: string): string {
  const resolved = path.posix.resolve('/', filePath)
  return resolved.length > 1 && resolved.endsWith('/') ? resolved.slice(0, -1) : resolved
}

function ioError(operation: string, filePath: string, reason: string): StorageError {
  return new StorageError('IO_ERROR', `${operation} failed for ${filePath}: ${reason}`, { details: { path: filePath, operation, injected: true } })
}

/**
 * An in-memory {@link FileSystem} for durability tests. It counts write and
 * fsync calls, injects torn/short/failing writes and failing fsyncs at chosen
 * call numbers, and simulates a crash: {@link crash} returns a new file
 * system holding everything fsynced plus a seeded choice of un-fsynced changes.
 * Directory changes (create, remove, rename) are durable only after
 * `syncDirectory` of their parent (or if the crash lets them survive).
 * Directories themselves are always durable.
 *
 * @example
 * const fs = new FaultFileSystem()
 * fs.injectWriteFault({ at: 3, kind: 'torn' })
 * // ... run a workload until it throws ...
 * const afterCrash = fs.crash({ seed: 7, survival: 'prefix' })
 */
export class FaultFileSystem implements FileSystem {
  private readonly files = new Map<string, MemoryInode>()
  private readonly durableFiles = new Map<string, MemoryInode>()
  private readonly directories = new Set<string>(['/'])
  private directoryChanges: DirectoryChange[] = []
  private readonly locks = new Set<string>()
  private readonly writeFaults = new Map<number, WriteFault>()
  private readonly syncFaults = new Set<number>()
  private writeCalls = 0
  private syncCalls = 0
  private dead = false

  /** Write calls made so far (over all files). */
  get writes(): number {
    return this.writeCalls
  }

  /** fsync calls made so far (`sync`, `syncAsync` and `syncDirectory`). */
  get syncs(): number {
    return this.syncCalls
  }

  /** True after a `torn` fault: the simulated machine is down until {@link crash}. */
  get crashed(): boolean {
    return this.dead
  }

  /** Arms a fault for write call number `fault.at`. */
  injectWriteFault(fault: WriteFault): void {
    this.writeFaults.set(fault.at, fault)
  }

  /** Makes fsync call number `at` (1-based, counting `sync`, `syncAsync` and `syncDirectory`) throw `IO_ERROR`. */
  injectSyncFault(options: { readonly at: number }): void {
    this.syncFaults.add(options.at)
  }

  /** The current contents of a file (what the process sees). */
  readFile(filePath: string): Uint8Array {
    return this.inode(normalize(filePath), 'read').contents()
  }

  /** Replaces a file's contents, durable at once and not counted (to damage files in tests). */
  writeFile(filePath: string, bytes: Uint8Array): void {
    const key = normalize(filePath)
    const inode = this.files.get(key) ?? new MemoryInode()
    inode.replace(bytes)
    this.files.set(key, inode)
    this.durableFiles.set(key, inode)
    this.directories.add(path.posix.dirname(key))
  }

  /**
   * Simulates power loss: returns a new file system holding what survives —
   * everything fsynced, plus a seeded choice of un-fsynced writes and
   * directory changes. Locks are released (the process died).
   */
  crash(options: CrashOptions = {}): FaultFileSystem {
    const random = seededRandom(options.seed ?? 1)
    const survival = options.survival ?? 'prefix'
    const entries = new Map(this.durableFiles)
    const keep = survival === 'prefix' ? Math.floor(random() * (this.directoryChanges.length + 1)) : 0
    for (let index = 0; index < this.directoryChanges.length; index++) {
      const survives = survival === 'all' || (survival === 'prefix' && index < keep) || (survival === 'subset' && random() < 0.5)
      if (!survives) continue
      const change = this.directoryChanges[index]!
      if (change.kind === 'link') entries.set(change.path, change.inode)
      else if (change.kind === 'unlink') entries.delete(change.path)
      else {
        entries.delete(change.from)
        entries.set(change.to, change.inode)
      }
    }
    const next = new FaultFileSystem()
    for (const directory of this.directories) next.directories.add(directory)
    const survivors = new Map<MemoryInode, Uint8Array>()
    for (const [filePath, inode] of entries) {
      let bytes = survivors.get(inode)
      if (bytes === undefined) {
        bytes = inode.survivor(survival, random)
        survivors.set(inode, bytes)
      }
      next.writeFile(filePath, bytes)
    }
    return next
  }

  open(filePath: string, options: OpenFileOptions = {}): FileHandle {
    const key = normalize(filePath)
    this.checkAlive('open', key)
    let inode = this.files.get(key)
    if (inode === undefined) {
      if (!options.create || options.readOnly) throw ioError('open', key, 'ENOENT: no such file')
      if (!this.directories.has(path.posix.dirname(key))) throw ioError('open', key, 'ENOENT: no such directory')
      inode = new MemoryInode()
      this.files.set(key, inode)
      this.directoryChanges.push({ kind: 'link', path: key, inode })
    }
    return new FaultFileHandle(this, key, inode, options.readOnly === true)
  }

  exists(filePath: string): boolean {
    const key = normalize(filePath)
    return this.files.has(key) || this.directories.has(key)
  }

  mkdir(directory: string): void {
    let key = normalize(directory)
    this.checkAlive('mkdir', key)
    if (this.files.has(key)) throw ioError('mkdir', key, 'EEXIST: a file has this name')
    while (!this.directories.has(key)) {
      this.directories.add(key)
      key = path.posix.dirname(key)
    }
  }

  list(directory: string): string[] {
    const key = normalize(directory)
    this.checkAlive('readdir', key)
    if (!this.directories.has(key)) throw ioError('readdir', key, 'ENOENT: no such directory')
    const names = new Set<string>()
    for (const entry of [...this.files.keys(), ...this.directories]) {
      if (entry !== key && path.posix.dirname(entry) === key) names.add(path.posix.basename(entry))
    }
    return [...names].sort()
  }

  remove(filePath: string): void {
    const key = normalize(filePath)
    this.checkAlive('remove', key)
    if (!this.files.delete(key)) return
    this.directoryChanges.push({ kind: 'unlink', path: key })
  }

  rename(from: string, to: string): void {
    const fromKey = normalize(from)
    const toKey = normalize(to)
    this.checkAlive('rename', fromKey)
    const inode = this.inode(fromKey, 'rename')
    this.files.delete(fromKey)
    this.files.set(toKey, inode)
    this.directoryChanges.push({ kind: 'rename', from: fromKey, to: toKey, inode })
  }

  syncDirectory(directory: string): void {
    const key = normalize(directory)
    this.countSync('fsync directory', key)
    const remaining: DirectoryChange[] = []
    for (const change of this.directoryChanges) {
      const parents = change.kind === 'rename' ? [change.from, change.to] : [change.path]
      if (!parents.some((entry) => path.posix.dirname(entry) === key)) {
        remaining.push(change)
        continue
      }
      if (change.kind === 'link') this.durableFiles.set(change.path, change.inode)
      else if (change.kind === 'unlink') this.durableFiles.delete(change.path)
      else {
        this.durableFiles.delete(change.from)
        this.durableFiles.set(change.to, change.inode)
      }
    }
    this.directoryChanges = remaining
  }

  lock(lockPath: string): () => void {
    const key = normalize(lockPath)
    this.checkAlive('lock', key)
    if (this.locks.has(key)) {
      throw new StorageError('DB_LOCKED', `The database is locked (${key}). Close the other handle first.`, { details: { path: key } })
    }
    this.locks.add(key)
    return () => {
      this.locks.delete(key)
    }
  }

  /** @internal Called by handles: counts the write and applies any armed fault. */
  beforeWrite(key: string, inode: MemoryInode, bytes: Uint8Array, position: number): boolean {
    this.checkAlive('write', key)
    const fault = this.writeFaults.get(++this.writeCalls)
    if (fault === undefined) return true
    const keep = Math.min(bytes.length, Math.max(0, fault.keepBytes ?? Math.floor(bytes.length / 2)))
    if (fault.kind !== 'error' && keep > 0) inode.write(bytes.subarray(0, keep), position)
    if (fault.kind === 'torn') this.dead = true
    throw ioError('write', key, `injected ${fault.kind} write at write #${this.writeCalls} (${fault.kind === 'error' ? 0 : keep} of ${bytes.length} bytes written)`)
  }

  /** @internal Counts an fsync and throws if one is armed for it. */
  countSync(operation: string, key: string): void {
    this.checkAlive(operation, key)
    if (this.syncFaults.has(++this.syncCalls)) throw ioError(operation, key, `injected fsync failure at fsync #${this.syncCalls}`)
  }

  /** @internal Throws once the simulated machine died. */
  checkAlive(operation: string, key: string): void {
    if (this.dead) throw ioError(operation, key, 'the simulated machine crashed (torn write); call crash() to see what survived')
  }

  private inode(key: string, operation: string): MemoryInode {
    const inode = this.files.get(key)
    if (inode === undefined) throw ioError(operation, key, 'ENOENT: no such file')
    return inode
  }
}

class FaultFileHandle implements FileHandle {
  private closed = false

  constructor(
    private readonly owner: FaultFileSystem,
    readonly path: string,
    private readonly inode: MemoryInode,
    private readonly readOnly: boolean,
  ) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.check('read')
    const available = Math.max(0, Math.min(length, this.inode.size - position))
    buffer.set(this.inode.data.subarray(position, position + available), offset)
    return available
  }

  write(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.check('write')
    if (this.readOnly) throw ioError('write', this.path, 'EBADF: opened read-only')
    const bytes = buffer.subarray(offset, offset + length)
    if (this.owner.beforeWrite(this.path, this.inode, bytes, position)) this.inode.write(bytes, position)
  }

  sync(): void {
    this.check('fsync')
    this.owner.countSync('fsync', this.path)
    this.inode.makeDurable()
  }

  syncAsync(): Promise<void> {
    try {
      this.check('fsync')
      this.owner.countSync('fsync', this.path)
    } catch (error) {
      return Promise.reject(error)
    }
    const snapshot = this.inode.contents()
    const upTo = this.inode.changeCount
    return new Promise((resolve) => setImmediate(resolve)).then(() => this.inode.makeDurable(snapshot, upTo))
  }

  size(): number {
    this.check('stat')
    return this.inode.size
  }

  truncate(size: number): void {
    this.check('truncate')
    if (this.readOnly) throw ioError('truncate', this.path, 'EBADF: opened read-only')
    this.inode.truncate(size)
  }

  close(): void {
    this.check('close')
    this.closed = true
  }

  private check(operation: string): void {
    if (this.closed) throw ioError(operation, this.path, 'EBADF: the handle is closed')
    if (operation !== 'close') this.owner.checkAlive(operation, this.path)
  }
}
