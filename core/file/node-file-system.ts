import fs from 'node:fs'
import path from 'node:path'
import { StorageError } from '../../errors/index.js'
import type { FileHandle, FileSystem, OpenFileOptions } from './file-system.js'

function ioError(operation: string, filePath: string, cause: unknown): StorageError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new StorageError('IO_ERROR', `${operation} failed for ${filePath}: ${reason}`, {
    cause,
    details: { path: filePath, operation },
  })
}

class NodeFileHandle implements FileHandle {
  constructor(readonly path: string, private readonly fd: number) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    try {
      let total = 0
      while (total < length) {
        const count = fs.readSync(this.fd, buffer, offset + total, length - total, position + total)
        if (count === 0) break
        total += count
      }
      return total
    } catch (error) {
      throw ioError('read', this.path, error)
    }
  }

  write(buffer: Uint8Array, offset: number, length: number, position: number): void {
    try {
      let total = 0
      while (total < length) {
        total += fs.writeSync(this.fd, buffer, offset + total, length - total, position + total)
      }
    } catch (error) {
      throw ioError('write', this.path, error)
    }
  }

  sync(): void {
    try {
      fs.fdatasyncSync(this.fd)
    } catch (error) {
      throw ioError('fsync', this.path, error)
    }
  }

  syncAsync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.fd, (error) => (error ? reject(ioError('fsync', this.path, error)) : resolve()))
    })
  }

  size(): number {
    try {
      return fs.fstatSync(this.fd).size
    } catch (error) {
      throw ioError('stat', this.path, error)
    }
  }

  truncate(size: number): void {
    try {
      fs.ftruncateSync(this.fd, size)
    } catch (error) {
      throw ioError('truncate', this.path, error)
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd)
    } catch (error) {
      throw ioError('close', this.path, error)
    }
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The real file system. Locking uses an exclusively created lock file holding
 * the owner's pid; a lock left by a dead process (after `kill -9`) is taken over.
 */
export class NodeFileSystem implements FileSystem {
  open(filePath: string, options: OpenFileOptions = {}): FileHandle {
    const flags = options.readOnly ? 'r' : options.create ? (fs.existsSync(filePath) ? 'r+' : 'w+') : 'r+'
    try {
      return new NodeFileHandle(filePath, fs.openSync(filePath, flags))
    } catch (error) {
      throw ioError('open', filePath, error)
    }
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath)
  }

  mkdir(directory: string): void {
    try {
      fs.mkdirSync(directory, { recursive: true })
    } catch (error) {
      throw ioError('mkdir', directory, error)
    }
  }

  list(directory: string): string[] {
    try {
      return fs.readdirSync(directory).sort()
    } catch (error) {
      throw ioError('readdir', directory, error)
    }
  }

  remove(filePath: string): void {
    try {
      fs.rmSync(filePath, { force: true })
    } catch (error) {
      throw ioError('remove', filePath, error)
    }
  }

  rename(from: string, to: string): void {
    try {
      fs.renameSync(from, to)
    } catch (error) {
      throw ioError('rename', from, error)
    }
  }

  syncDirectory(directory: string): void {
    let fd: number | undefined
    try {
      fd = fs.openSync(directory, 'r')
      fs.fsyncSync(fd)
    } catch (error) {
      throw ioError('fsync directory', directory, error)
    } finally {
      if (fd !== undefined) fs.closeSync(fd)
    }
  }

  lock(lockPath: string): () => void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(lockPath, 'wx')
        fs.writeSync(fd, `${process.pid}\n`)
        fs.fsyncSync(fd)
        fs.closeSync(fd)
        return () => fs.rmSync(lockPath, { force: true })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('lock', lockPath, error)
        const owner = Number.parseInt(readLockOwner(lockPath), 10)
        if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
          throw new StorageError(
            'DB_LOCKED',
            `The database is locked by process ${owner} (${lockPath}). Close the other process, or open a different directory.`,
            { details: { path: lockPath, pid: owner } },
          )
        }
        if (owner === process.pid) {
          throw new StorageError(
            'DB_LOCKED',
            `This process already has the database at ${path.dirname(lockPath)} open. Reuse that handle or close it first.`,
            { details: { path: lockPath, pid: owner } },
          )
        }
        fs.rmSync(lockPath, { force: true }) // stale lock from a dead process
      }
    }
    throw new StorageError('DB_LOCKED', `Could not take the lock ${lockPath}.`, { details: { path: lockPath } })
  }
}

function readLockOwner(lockPath: string): string {
  try {
    return fs.readFileSync(lockPath, 'utf8').trim()
  } catch {
    return ''
  }
}
