/**
 * The in-memory file model behind {@link FaultFileSystem}: every file keeps
 * what the process sees (`data`), what an fsync made durable (`durable`), and
 * the changes made since (`pending`), so a simulated crash can decide which
 * un-fsynced changes survive.
 */

/** One change not yet made durable by an fsync. */
export type PendingChange =
  | { readonly kind: 'write'; readonly position: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly size: number }

/**
 * Which un-fsynced changes survive a crash:
 * - `all`: every change (a process crash: the OS page cache survives);
 * - `none`: only what was fsynced;
 * - `prefix`: the first k changes in order, k seeded, the next write possibly torn (a prefix of its bytes);
 * - `subset`: each change independently, writes possibly torn (disk reordering).
 */
export type CrashSurvival = 'all' | 'none' | 'prefix' | 'subset'

/** A small seeded PRNG (mulberry32), deterministic across runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state)
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 0x1_0000_0000
  }
}

/** One file's contents, shared by every handle opened on it. */
export class MemoryInode {
  data: Uint8Array
  size: number
  durable: Uint8Array
  pending: PendingChange[] = []
  /** Changes ever made to this file, and how many of them are durable. */
  changeCount = 0
  durableCount = 0

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.data = initial.slice()
    this.size = initial.length
    this.durable = initial.slice()
  }

  /** The bytes the process sees now (a copy). */
  contents(): Uint8Array {
    return this.data.slice(0, this.size)
  }

  /** Writes bytes as the process sees them and remembers the change as un-fsynced. */
  write(bytes: Uint8Array, position: number): void {
    applyWrite(this, bytes, position)
    this.pending.push({ kind: 'write', position, bytes: bytes.slice() })
    this.changeCount++
  }

  truncate(size: number): void {
    applyTruncate(this, size)
    this.pending.push({ kind: 'truncate', size })
    this.changeCount++
  }

  /**
   * Makes every change up to change number `upTo` durable, `snapshot` being
   * the contents at that point (defaults: now). An older snapshot than the
   * durable state is ignored (an async fsync finishing after a later sync).
   */
  makeDurable(snapshot: Uint8Array = this.contents(), upTo = this.changeCount): void {
    if (upTo <= this.durableCount) return
    this.durable = snapshot
    this.pending.splice(0, upTo - this.durableCount)
    this.durableCount = upTo
  }

  /** Replaces the contents outright, durable at once (tests use it to damage files). */
  replace(bytes: Uint8Array): void {
    this.data = bytes.slice()
    this.size = bytes.length
    this.durable = bytes.slice()
    this.pending = []
    this.durableCount = this.changeCount
  }

  /** The contents after a crash: durable bytes plus the surviving pending changes. */
  survivor(survival: CrashSurvival, random: () => number): Uint8Array {
    const result = new MemoryInode(this.durable)
    const changes = this.pending
    const keep = survival === 'prefix' ? Math.floor(random() * (changes.length + 1)) : changes.length
    for (let index = 0; index < changes.length; index++) {
      const change = changes[index]!
      let survives: boolean
      if (survival === 'all') survives = true
      else if (survival === 'none') survives = false
      else if (survival === 'prefix') survives = index < keep
      else survives = random() < 0.5
      const tornAllowed = survival === 'subset' || (survival === 'prefix' && index === keep)
      if (!survives && tornAllowed && change.kind === 'write' && random() < 0.5) {
        const length = Math.floor(random() * change.bytes.length)
        applyWrite(result, change.bytes.subarray(0, length), change.position)
        if (survival === 'prefix') break
        continue
      }
      if (!survives) {
        if (survival === 'prefix') break
        continue
      }
      if (change.kind === 'write') applyWrite(result, change.bytes, change.position)
      else applyTruncate(result, change.size)
    }
    return result.contents()
  }
}

function ensureCapacity(inode: MemoryInode, size: number): void {
  if (size <= inode.data.length) return
  const grown = new Uint8Array(Math.max(size, inode.data.length * 2, 4096))
  grown.set(inode.data.subarray(0, inode.size))
  inode.data = grown
}

function applyWrite(inode: MemoryInode, bytes: Uint8Array, position: number): void {
  const end = position + bytes.length
  ensureCapacity(inode, end)
  if (position > inode.size) inode.data.fill(0, inode.size, position)
  inode.data.set(bytes, position)
  if (end > inode.size) inode.size = end
}

function applyTruncate(inode: MemoryInode, size: number): void {
  ensureCapacity(inode, size)
  if (size > inode.size) inode.data.fill(0, inode.size, size)
  inode.size = size
}
