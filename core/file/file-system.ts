/**
 * The file layer every part of the storage engine goes through.
 *
 * All I/O in the engine is done via this interface so tests can swap in a
 * fault-injecting implementation (torn writes, short writes, failing fsyncs)
 * without touching engine code. Calls are synchronous: reads sit on the
 * synchronous `get`/`scan` path, and durable writes are batched by the caller.
 * `syncAsync` exists so group commit can wait for an fsync off the event loop.
 *
 * Implementations throw `StorageError('IO_ERROR')` with the path in `details`.
 */
export interface FileHandle {
  /** The path this handle was opened with (for error messages). */
  readonly path: string
  /** Reads up to `length` bytes at `position` into `buffer[offset..]`; returns bytes read (0 at EOF). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): number
  /** Writes all of `buffer[offset..offset+length]` at `position`. */
  write(buffer: Uint8Array, offset: number, length: number, position: number): void
  /** Flushes file data (fdatasync). Throws on failure; a failed sync must never be ignored. */
  sync(): void
  /** Like {@link sync} but does not block the event loop. */
  syncAsync(): Promise<void>
  /** Current size in bytes. */
  size(): number
  /** Sets the size in bytes (shrinks or extends with zeros). */
  truncate(size: number): void
  close(): void
}

/** Flags for {@link FileSystem.open}. */
export interface OpenFileOptions {
  /** Create the file if missing (default false). */
  readonly create?: boolean
  /** Open read-only (default false). */
  readonly readOnly?: boolean
}

/**
 * A minimal file system: just what the engine needs. Paths are absolute or
 * relative to the process cwd.
 */
export interface FileSystem {
  open(path: string, options?: OpenFileOptions): FileHandle
  exists(path: string): boolean
  /** Creates the directory and its parents. */
  mkdir(path: string): void
  /** File names (not paths) in a directory, sorted. */
  list(directory: string): string[]
  remove(path: string): void
  rename(from: string, to: string): void
  /** fsyncs a directory so renames and creations inside it are durable. */
  syncDirectory(path: string): void
  /**
   * Takes an exclusive advisory lock for this process on `path`; returns a
   * release function. Throws `StorageError('DB_LOCKED')` when another live
   * process holds it.
   */
  lock(path: string): () => void
}
