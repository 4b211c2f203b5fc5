import { LivingDbError } from '../../errors/index.js'
import type { CartridgeCommit } from './cartridge-commit.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase } from './cartridge-database.js'
import type { CartridgeFact } from './cartridge-fact.js'
import { type AttachedCartridgeStatus, CartridgeRunner } from './cartridge-runner.js'
import type { CartridgeJson } from './cartridge-storage.js'
import type { CatchUpResult } from './catch-up-cartridge.js'
import { cartridgeDefinitionSchema } from './define-cartridge.js'
import { cartridgeStatus } from './open-cartridge.js'
import { type CartridgeQueryDescription, listCartridgeQueries, queryCartridge } from './query-cartridge.js'
import { scopeSnapshot } from './scoped-access.js'

/** Options of {@link attachCartridges}. */
export interface AttachCartridgesArgs {
  readonly db: CartridgeDatabase
  readonly cartridges: readonly Cartridge[]
  /** A missing or stale index is rebuilt (default) or refused with `CARTRIDGE_STALE`. */
  readonly onStale?: 'rebuild' | 'throw'
  /** Most commits per cartridge transaction (default 512). */
  readonly maxCommitsPerBatch?: number
  /** Commits read ahead of the slowest cartridge before the tail pauses (default 4,096). */
  readonly maxBufferedCommits?: number
  /** Retry delay after a failed apply: `initialMs * 2^(n-1)` capped at `maxMs` (default 100 ms .. 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number }
  /** Called on every failed apply (default: one line on stderr). The cartridge retries after the backoff. */
  readonly onError?: (error: unknown, cartridge: Cartridge) => void
  /** Resolve at once and build/catch up in the background (default false: resolve once every cartridge reached the head). */
  readonly background?: boolean
}

/** One attached cartridge. */
export interface AttachedCartridge {
  readonly cartridge: Cartridge
  status(): AttachedCartridgeStatus
  /** Rebuilds it from the commit stream while the others keep running; progress per committed batch. */
  rebuild(options?: { readonly onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void }): Promise<CatchUpResult>
  /** Runs one of its query operations (latest commit, or `asOf` a txn id). */
  query(operation: string, input: unknown, options?: { readonly asOf?: number }): unknown
  stats(options?: { readonly asOf?: number }): { readonly [key: string]: CartridgeJson }
  listFacts(options?: { readonly asOf?: number }): CartridgeFact[]
}

/** Cartridges attached to an open database, kept current as commits arrive. See {@link attachCartridges}. */
export interface AttachedCartridges {
  /** The attached cartridges' names, in attach order. */
  readonly names: readonly string[]
  /** One cartridge by name (`CARTRIDGE_NOT_FOUND` lists the attached ones). */
  get(name: string): AttachedCartridge
  status(): AttachedCartridgeStatus[]
  /**
   * Resolves once every cartridge reflects every commit published before the call (and
   * their cursors are durable). Rejects with the cartridge's error when one cannot apply.
   */
  idle(): Promise<void>
  rebuild(name: string, options?: { readonly onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void }): Promise<CatchUpResult>
  query(name: string, operation: string, input: unknown, options?: { readonly asOf?: number }): unknown
  /** Every query operation of the attached cartridges, with JSON Schemas (for a planner). */
  listQueries(): CartridgeQueryDescription[]
  /** Stops following the commit stream and persists cursors. The database stays open. */
  close(): Promise<void>
}

const CLOSED = Symbol('closed')
/** Origin of a transaction shared by several cartridges. */
const SHARED_ORIGIN = 'cartridges'

/**
 * Attaches cartridges to an open database so they stay current as commits arrive. One
 * shared tail reads the commit stream once for all of them; a batch's cartridge writes
 * and the cartridges' durable cursors are committed in ONE transaction (origin
 * `cartridges`; a cartridge that fails or lags goes alone, origin `cartridge:<name>`), so
 * every index is exactly-once across crashes and always equals a rebuild. A missing or
 * stale index (format, model or config changed) is rebuilt first. A failing apply is
 * retried with backoff; the other cartridges keep going.
 *
 * @example
 * const db = await open({ path: './data' })
 * const cartridges = await attachCartridges({ db, cartridges: [createTopicsCartridge({ source: { prefix: 'notes/' } })] })
 * await db.put('notes/1', { text: 'Ferries leave Oslo at dawn' })
 * await cartridges.idle()
 * cartridges.query('topics', 'search', { query: 'oslo ferry' })
 * await cartridges.close()
 */
export async function attachCartridges(args: AttachCartridgesArgs): Promise<AttachedCartridges> {
  const names = new Set<string>()
  const owners = new Map<string, string>()
  for (const cartridge of args.cartridges) {
    if (!cartridgeDefinitionSchema.safeParse(cartridge).success) throw new LivingDbError('CARTRIDGE_INVALID', `attachCartridges got something that is not a cartridge definition (${String((cartridge as { name?: unknown } | null)?.name)}). Pass the result of defineCartridge() or a create*Cartridge() factory.`)
    if (names.has(cartridge.name)) throw new LivingDbError('CARTRIDGE_INVALID', `Two cartridges are named "${cartridge.name}". Cartridge names must be unique within a database; give one a name option.`, { details: { cartridge: cartridge.name } })
    names.add(cartridge.name)
    for (const keyspace of cartridge.keyspaces) {
      const owner = owners.get(keyspace)
      if (owner !== undefined) throw new LivingDbError('CARTRIDGE_INVALID', `Cartridges "${owner}" and "${cartridge.name}" both own keyspace "${keyspace}". A keyspace has one owning cartridge; give one a keyspace option.`, { details: { keyspace, cartridges: [owner, cartridge.name] } })
      owners.set(keyspace, cartridge.name)
    }
  }
  if (args.onStale === 'throw') {
    for (const cartridge of args.cartridges) {
      const status = cartridgeStatus({ db: args.db, cartridge })
      if (status.state !== 'current') {
        throw new LivingDbError('CARTRIDGE_STALE', `Cartridge "${cartridge.name}" must be rebuilt (${status.reason}). Run \`livingdb cartridges rebuild ${cartridge.name}\` or attach it with onStale: 'rebuild'.`, { details: { cartridge: cartridge.name, reason: status.reason } })
      }
    }
  }
  const group = new CartridgeGroup(args)
  const ready = group.start()
  if (args.background !== true) await ready
  return group.api()
}

class CartridgeGroup {
  private readonly runners: CartridgeRunner[]
  private readonly db: CartridgeDatabase
  private readonly maxCommitsPerBatch: number
  private readonly maxBufferedCommits: number
  private buffer: CartridgeCommit[] = []
  private tail = 0
  private closed = false
  private closeSignal!: () => void
  private readonly closing = new Promise<typeof CLOSED>((resolve) => (this.closeSignal = () => resolve(CLOSED)))
  private waiters: (() => void)[] = []
  private loops: Promise<unknown>[] = []
  private closingDone: Promise<void> | undefined

  constructor(args: AttachCartridgesArgs) {
    this.db = args.db
    this.maxCommitsPerBatch = positiveInteger('maxCommitsPerBatch', args.maxCommitsPerBatch, 512)
    this.maxBufferedCommits = positiveInteger('maxBufferedCommits', args.maxBufferedCommits, 4096)
    const backoff = args.backoff ?? { initialMs: 100, maxMs: 30_000 }
    const onError = args.onError ?? ((error: unknown, cartridge: Cartridge) => console.error(`[cartridge ${cartridge.name}] ${error instanceof Error ? error.message : String(error)}`))
    this.runners = args.cartridges.map(
      (cartridge) =>
        new CartridgeRunner({ db: args.db, cartridge, maxCommitsPerBatch: this.maxCommitsPerBatch, backoff, skipCursorEvery: 1000, onError, onChange: () => this.notify(), tailPosition: () => this.tail }),
    )
  }

  /** Initial sync of every cartridge to the head, and the shared tail after it. */
  start(): Promise<void> {
    const head = this.db.txnId
    this.tail = head
    const synced = Promise.all(this.runners.map((runner) => runner.sync(head)))
    this.loops = [this.pump(head + 1), this.processLoop()]
    return synced.then(() => {
      const failed = this.runners.find((runner) => runner.failure !== undefined)
      if (failed !== undefined) throw failed.failure
    })
  }

  api(): AttachedCartridges {
    const handles = new Map(this.runners.map((runner) => [runner.cartridge.name, this.handle(runner)]))
    const get = (name: string): AttachedCartridge => {
      const handle = handles.get(name)
      if (handle === undefined) throw new LivingDbError('CARTRIDGE_NOT_FOUND', `No cartridge named "${name}" is attached. Attached: ${[...handles.keys()].join(', ') || '(none)'}.`, { details: { cartridge: name } })
      return handle
    }
    return {
      names: [...handles.keys()],
      get,
      status: () => this.runners.map((runner) => runner.status(this.db.txnId)),
      idle: () => this.idle(),
      rebuild: (name, options) => get(name).rebuild(options),
      query: (name, operation, input, options) => get(name).query(operation, input, options),
      listQueries: () => listCartridgeQueries(this.runners.map((runner) => runner.cartridge)),
      close: () => this.close(),
    }
  }

  private handle(runner: CartridgeRunner): AttachedCartridge {
    const { cartridge } = runner
    const read = <T>(asOf: number | undefined, use: (reader: ReturnType<typeof scopeSnapshot>) => T): T => {
      this.assertOpen()
      return asOf === undefined ? this.db.read((snapshot) => use(scopeSnapshot(cartridge, snapshot))) : this.db.readAt(asOf, (snapshot) => use(scopeSnapshot(cartridge, snapshot)))
    }
    return {
      cartridge,
      status: () => runner.status(this.db.txnId),
      rebuild: async (options) => {
        this.assertOpen()
        const result = await runner.rebuild(options?.onProgress)
        this.notify()
        return result
      },
      query: (operation, input, options) => {
        this.assertOpen()
        return queryCartridge({ db: this.db, cartridge, name: operation, input, ...(options?.asOf === undefined ? {} : { asOf: options.asOf }) })
      },
      stats: (options) => read(options?.asOf, (reader) => cartridge.stats({ reader })),
      listFacts: (options) => read(options?.asOf, (reader) => [...cartridge.listFacts({ reader })]),
    }
  }

  private async idle(): Promise<void> {
    this.assertOpen()
    const target = this.db.txnId
    await this.waitFor(() => this.closed || this.tail >= target)
    this.assertOpen()
    // A cartridge that is backing off, or was rebuilt up to an earlier head, catches up now.
    await Promise.all(this.runners.map((runner) => runner.reach(target)))
    const failed = this.runners.find((runner) => runner.failure !== undefined)
    if (failed !== undefined) throw failed.failure
    await Promise.all(this.runners.map((runner) => runner.persist()))
  }

  /** Detaches once; every caller gets the same promise. */
  private close(): Promise<void> {
    this.closed = true
    this.closingDone ??= (async () => {
      this.closeSignal()
      this.notify()
      await Promise.allSettled(this.loops)
      const open = !this.isDatabaseClosed()
      await Promise.all(
        this.runners.map(async (runner) => {
          if (open) await runner.persist().catch(() => undefined)
          await runner.close()
        }),
      )
    })()
    return this.closingDone
  }

  /** Reads the commit stream into the buffer, pausing while it is full. */
  private async pump(from: number): Promise<void> {
    let iterator: AsyncIterator<CartridgeCommit> | undefined
    try {
      iterator = this.db.commits({ from })
      while (!this.closed) {
        if (this.buffer.length >= this.maxBufferedCommits) {
          await this.waitFor(() => this.closed || this.buffer.length < this.maxBufferedCommits)
          continue
        }
        const step = await Promise.race([iterator.next(), this.closing])
        if (step === CLOSED || step.done === true) break
        this.buffer.push(step.value)
        this.notify()
      }
    } catch (error) {
      if (!this.closed && !this.isDatabaseClosed()) console.error(`[cartridges] the commit tail stopped: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      void iterator?.return?.()
      // The database closed under us: detach (stops retries), without awaiting this loop.
      if (this.closingDone === undefined && this.isDatabaseClosed()) void this.close()
      this.notify()
    }
  }

  /** Hands buffered commits to every cartridge, one batch at a time, in txn order. */
  private async processLoop(): Promise<void> {
    while (!this.closed) {
      if (this.buffer.length === 0) {
        await this.waitFor(() => this.closed || this.buffer.length > 0)
        continue
      }
      const batch = this.buffer.splice(0, this.maxCommitsPerBatch)
      this.notify()
      // A cartridge that is rebuilding or backing off reads what it missed from the log later.
      await this.processBatch(batch)
      this.tail = batch.at(-1)!.txnId
      this.notify()
    }
  }

  /**
   * Applies one batch for every running cartridge: those exactly at the batch start share
   * ONE transaction (their writes and all their cursors: one commit instead of one per
   * cartridge); if that fails, or for a cartridge behind, each goes on its own, so a
   * failing cartridge never holds the others back.
   */
  private async processBatch(batch: readonly CartridgeCommit[]): Promise<void> {
    const active = this.runners.filter((runner) => runner.state === 'running')
    const work = async (): Promise<void> => {
      let alone = active
      const sharing = active.filter((runner) => runner.canShare(batch))
      if (sharing.length > 1) {
        const writing = sharing.filter((runner) => runner.wants(batch))
        let shared = true
        if (writing.length > 0) {
          try {
            await this.db.write(async (transaction) => {
              for (const runner of writing) await runner.applyShared(transaction, batch)
            }, { origin: SHARED_ORIGIN })
          } catch {
            shared = false
          }
        }
        if (shared) {
          for (const runner of sharing) await runner.sharedCommitted(batch, writing.includes(runner))
          alone = active.filter((runner) => !sharing.includes(runner))
        }
      }
      for (const runner of alone) await runner.processHeld(batch)
    }
    // Hold every active runner's lock (always in the same order) for the whole batch.
    await active.reduceRight<() => Promise<void>>((inner, runner) => () => runner.exclusive(inner), work)()
  }

  private waitFor(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (condition()) resolve()
        else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  private notify(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const check of waiting) check()
  }

  private isDatabaseClosed(): boolean {
    try {
      this.db.read(() => undefined)
      return false
    } catch {
      return true
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LivingDbError('CARTRIDGES_CLOSED', 'These cartridges were detached (close() was called, or the database closed). Attach them again with attachCartridges().')
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) throw new LivingDbError('INVALID_ARGUMENT', `attachCartridges option ${name} must be an integer >= 1, got ${String(value)}.`, { details: { option: name } })
  return value
}
