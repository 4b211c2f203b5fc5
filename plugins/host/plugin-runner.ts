import { LivingDbError } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginWriteOperation } from '../spec/plugin-write-operation.js'
import { backoffDelay, sleep } from './backoff.js'
import { CapabilityServer, type InvocationScope } from './capability-server.js'
import { CommitFeed, type FeedItem } from './commit-feed.js'
import type { HostWriteTransaction, PluginHostDatabase } from './host-database.js'
import type { PluginHostPolicy } from './plugin-host-options.js'
import { DEFAULT_KEYSPACE, PluginGrants } from './plugin-grants.js'
import type { PluginModelAccess } from './plugin-model-access.js'
import type { PluginLogRecord, PluginState, PluginStatus } from './plugin-status.js'
import { PluginSysRecords, SYS_KEYSPACE, type DeadLetterRecord } from './plugin-sys-records.js'
import type { PluginConnection } from './plugin-connection.js'
import type { PluginViolations } from './plugin-violations.js'
import { isSandboxed, startPlugin, type ResolvedRegistration } from './start-plugin.js'
import { WakeSignal } from './wake-signal.js'

/** Errors of `db.write` that mean the plugin's writes are bad (its fault), not the engine's. */
const WRITE_REJECTIONS = new Set(['INVALID_KEY', 'INVALID_VALUE', 'KEY_TOO_LARGE', 'VALUE_TOO_LARGE', 'KEYSPACE_INVALID'])
/** Skipped (invisible) commits after which the cursor is persisted anyway, so the log behind it can be released. */
const SKIPPED_FLUSH_THRESHOLD = 1_000

/** Arguments of {@link PluginRunner}. */
export interface PluginRunnerArgs {
  readonly db: PluginHostDatabase
  readonly registration: ResolvedRegistration
  readonly worker: PluginConnection<InvocationScope>
  /** Where the sandbox reports refused attempts (shared with the first start). */
  readonly violations: PluginViolations
  readonly policy: PluginHostPolicy
  readonly models?: PluginModelAccess
  readonly onLog: (record: PluginLogRecord) => void
}

/**
 * Drives one plugin: reads its cursor, feeds it batches of commits, applies its writes
 * together with the new cursor in one transaction, restarts it with backoff when it
 * crashes or hangs, and dead-letters a batch that fails every attempt.
 */
export class PluginRunner {
  readonly name: string
  readonly version: string
  readonly grants: PluginGrants
  readonly capabilities: CapabilityServer
  readonly #args: PluginRunnerArgs
  readonly #records: PluginSysRecords
  /** The registration restarts use: marked untrusted when the plugin asked for the sandbox itself. */
  readonly #registration: ResolvedRegistration
  readonly #origin: string
  readonly #wake = new WakeSignal()
  readonly #closing: Promise<void>
  readonly #resolveClosing: () => void
  #worker: PluginConnection<InvocationScope> | undefined
  #feed: CommitFeed | undefined
  #state: PluginState = 'running'
  #enabled = true
  #halted: DeadLetterRecord | undefined
  #durableCursor = 0
  #position = 0
  #dirty = false
  #skippedSinceFlush = 0
  #busy = false
  #inFlight = 0
  #errors = 0
  #lastError: PluginStatus['lastError'] = null
  #restarts = 0
  #consecutiveCrashes = 0
  #deadLetters = 0
  #scheduleDue = false
  #flushRequested = false
  #loop: Promise<void> | undefined
  #scheduleTimer: NodeJS.Timeout | undefined
  #flushTimer: NodeJS.Timeout | undefined
  readonly #progress = new WakeSignal()

  constructor(args: PluginRunnerArgs) {
    this.#args = args
    this.#worker = args.worker
    const manifest = args.worker.manifest
    this.#registration = isSandboxed(args.registration, manifest) ? { ...args.registration, trusted: false } : args.registration
    this.name = manifest.name
    this.version = manifest.version
    this.#records = new PluginSysRecords(manifest.name)
    this.#origin = `plugin:${manifest.name}`
    this.grants = new PluginGrants({ plugin: manifest.name, permissions: manifest.permissions })
    this.capabilities = new CapabilityServer({ plugin: manifest.name, permissions: manifest.permissions, grants: this.grants, db: args.db, ...(args.models === undefined ? {} : { models: args.models }) })
    let resolveClosing!: () => void
    this.#closing = new Promise((resolve) => (resolveClosing = resolve))
    this.#resolveClosing = resolveClosing
  }

  /** The registration this plugin restarts with (marked untrusted when it asked for the sandbox). */
  get registration(): ResolvedRegistration {
    return this.#registration
  }

  /** The worker's manifest. */
  get manifest() {
    return this.#args.worker.manifest
  }

  /** The live worker, when one is running (used by `onQuery`). */
  get worker(): PluginConnection<InvocationScope> | undefined {
    return this.#worker?.alive === true ? this.#worker : undefined
  }

  /** Loads the durable state and starts the delivery loop. */
  async start(): Promise<void> {
    const stored = await this.#records.load(this.#args.db)
    this.#durableCursor = this.#position = stored.cursor
    this.#enabled = stored.enabled
    this.#halted = stored.halted
    this.#deadLetters = stored.deadLetters
    this.#state = !this.#enabled ? 'disabled' : this.#halted !== undefined ? 'dead-lettered' : 'running'
    const schedule = this.manifest.hooks.onSchedule
    if (schedule !== undefined) {
      this.#scheduleTimer = setInterval(() => {
        this.#scheduleDue = true
        this.#wake.wake()
      }, schedule.everyMs)
      this.#scheduleTimer.unref()
    }
    this.#loop = this.#run()
  }

  /** True while the plugin should be consuming commits. */
  get active(): boolean {
    return this.#enabled && this.#halted === undefined && !this.#isClosed() && this.manifest.hooks.onCommit !== undefined
  }

  /** The plugin's status; `head` is the database's head txn id. */
  status(head: number): PluginStatus {
    const spend = this.capabilities.spend
    return {
      name: this.name,
      version: this.version,
      state: this.#state,
      enabled: this.#enabled,
      cursor: this.#durableCursor,
      position: this.#position,
      lag: this.manifest.hooks.onCommit === undefined ? 0 : Math.max(0, head - this.#position),
      errors: this.#errors,
      lastError: this.#lastError,
      restarts: this.#restarts,
      deadLetters: this.#deadLetters,
      halted: this.#halted === undefined ? null : { firstTxnId: this.#halted.firstTxnId, lastTxnId: this.#halted.lastTxnId, error: this.#halted.error },
      modelSpend: { ...spend },
      sandboxed: isSandboxed(this.#registration),
      violations: this.#args.violations.count,
      recentViolations: this.#args.violations.recent,
      buffered: this.#feed?.buffered ?? 0,
      inFlight: this.#inFlight,
    }
  }

  /** Resolves once this plugin processed every commit up to `head` (or is not active). */
  async caughtUp(head: number): Promise<void> {
    while (this.active && (this.#position < head || this.#busy)) await Promise.race([this.#progress.wait(), this.#closing])
  }

  /** Persists a cursor that moved without writes; resolves when done (or nothing to do). */
  async flush(): Promise<void> {
    if (!this.#dirty || !this.active) return
    this.#flushRequested = true
    this.#wake.wake()
    while (this.#dirty && this.active) await Promise.race([this.#progress.wait(), this.#closing])
  }

  /** Persists `enabled`, and stops or resumes delivery. Enabling also lifts a halt. */
  async setEnabled(enabled: boolean): Promise<void> {
    await this.#args.db.write((transaction) => {
      const sys = transaction.keyspace(SYS_KEYSPACE)
      if (enabled) {
        sys.delete(this.#records.enabledKey)
        sys.delete(this.#records.haltedKey)
      } else sys.put(this.#records.enabledKey, false)
    }, { origin: this.#origin })
    this.#enabled = enabled
    if (enabled) this.#halted = undefined
    if (!this.#isClosed()) this.#state = enabled ? 'running' : 'disabled'
    this.#wake.wake()
    this.#progress.wake()
    // A batch already handed to the plugin finishes (exactly once); nothing starts after this.
    while (!enabled && this.#busy) await Promise.race([this.#progress.wait(), this.#closing])
  }

  /** Stops the loop and the worker. */
  async close(): Promise<void> {
    this.#state = 'closed'
    clearInterval(this.#scheduleTimer)
    clearTimeout(this.#flushTimer)
    this.#resolveClosing()
    this.#wake.wake()
    this.#feed?.close()
    // Terminate first: a hook still running must not hold up close (its batch is redelivered later).
    await this.#worker?.terminate()
    await this.#loop
  }

  #isClosed(): boolean {
    return this.#state === 'closed'
  }

  /** Records a failure for status and the log. */
  recordError(error: unknown): void {
    this.#errors++
    const code = LivingDbError.isInstance(error) ? error.code : 'PLUGIN_HOOK_FAILED'
    this.#lastError = { code, message: error instanceof Error ? error.message : String(error), at: Date.now() }
    this.#args.onLog({ plugin: this.name, level: 'error', message: this.#lastError.message, fields: { code } })
  }

  async #run(): Promise<void> {
    while (!this.#isClosed()) {
      if (!this.#enabled || this.#halted !== undefined) {
        this.#stopFeed()
        this.#state = !this.#enabled ? 'disabled' : 'dead-lettered'
        this.#progress.wake()
        await Promise.race([this.#wake.wait(), this.#closing])
        continue
      }
      if (this.#state === 'disabled' || this.#state === 'dead-lettered') this.#state = 'running'
      try {
        await this.#step()
      } catch (error) {
        if (this.#isClosed()) break
        if (LivingDbError.isInstance(error) && error.code === 'DB_CLOSED') {
          this.#state = 'closed'
          break
        }
        // An engine failure (not the plugin's): note it, wait, and resume from the durable cursor.
        this.recordError(error)
        this.#stopFeed()
        this.#position = this.#durableCursor
        this.#state = 'backing-off'
        await sleep(this.#args.policy.backoff.maxMs, this.#closing)
      }
    }
    this.#stopFeed()
    this.#progress.wake()
  }

  #stopFeed(): void {
    this.#feed?.close()
    this.#feed = undefined
  }

  async #step(): Promise<void> {
    if (this.#isClosed()) return
    if (this.#scheduleDue) {
      this.#scheduleDue = false
      await this.#runSchedule()
    }
    if (this.#flushRequested) {
      this.#flushRequested = false
      await this.#flushCursor()
    }
    if (this.manifest.hooks.onCommit === undefined || this.#isClosed()) {
      if (!this.#isClosed()) await Promise.race([this.#wake.wait(), this.#closing])
      return
    }
    this.#feed ??= new CommitFeed({
      db: this.#args.db,
      from: this.#position + 1,
      maxBuffered: this.#args.policy.maxBufferedCommits,
      tailIntervalMs: this.#args.policy.tailIntervalMs,
      view: (commit) => this.grants.visibleCommit(commit),
      onError: (error) => {
        this.recordError(error)
        this.#stopFeed()
        this.#wake.wake()
      },
    })
    const options = this.manifest.hooks.onCommit
    const items = await this.#feed.take({
      maxCommits: options.maxCommits ?? this.#args.policy.batch.maxCommits,
      maxWaitMs: options.maxWaitMs ?? this.#args.policy.batch.maxWaitMs,
      signal: this.#wake.wait(),
    })
    if (items.length === 0) return
    if (!this.active) {
      // Disabled or halted while waiting: leave the items; the feed restarts from the position.
      this.#feed?.unshift(items)
      return
    }
    await this.#process(items)
  }

  async #process(initial: FeedItem[]): Promise<void> {
    this.#busy = true
    try {
      let items = initial
      let attempts = 0
      for (;;) {
        if (!this.active) return
        const visible = items.flatMap((item) => (item.commit === undefined ? [] : [item.commit]))
        const last = items.at(-1)!.txnId
        if (visible.length === 0) {
          this.#advance(last, false, items.length)
          return
        }
        try {
          const worker = await this.#ensureWorker()
          if (worker === undefined) return
          const snapshotTxnId = visible.at(-1)!.txnId
          this.#inFlight = visible.length
          const result = await worker
            .invoke({
              hook: 'onCommit',
              input: { commits: visible } as unknown as JsonValue,
              timeoutMs: this.manifest.hooks.onCommit?.timeoutMs ?? this.#args.policy.timeoutMs,
              scope: { snapshotTxnId, maxTxnId: snapshotTxnId },
            })
            .finally(() => (this.#inFlight = 0))
          const writes = this.grants.parseWrites(result, 'onCommit')
          if (writes.length > 0) await this.#apply(writes, last)
          this.#consecutiveCrashes = 0
          this.#advance(last, writes.length > 0, 0)
          if (this.#state === 'backing-off') this.#state = 'running'
          return
        } catch (error) {
          if (!isPluginFault(error) || this.#isClosed()) throw error
          this.recordError(error)
          if (visible.length > 1) {
            // Retry in halves: a poison commit ends up alone, so "skip" loses only it.
            const half = items.findIndex((item) => item.commit === visible[Math.ceil(visible.length / 2)])
            this.#feed?.unshift(items.slice(half))
            items = items.slice(0, half)
            continue
          }
          attempts++
          if (attempts >= this.#args.policy.maxAttempts) {
            await this.#deadLetter(items, visible.map((commit) => commit.txnId), attempts, error)
            return
          }
          this.#state = 'backing-off'
          await sleep(backoffDelay(this.#args.policy.backoff, attempts), this.#closing)
          if (this.#isClosed()) return
        }
      }
    } finally {
      this.#busy = false
      this.#progress.wake()
    }
  }

  #advance(txnId: number, durable: boolean, skipped: number): void {
    this.#position = txnId
    if (durable) {
      this.#durableCursor = txnId
      this.#dirty = false
      clearTimeout(this.#flushTimer)
      this.#flushTimer = undefined
      this.#skippedSinceFlush = 0
    } else if (skipped > 0) {
      this.#skippedSinceFlush += skipped
      if (this.#skippedSinceFlush >= SKIPPED_FLUSH_THRESHOLD) this.#dirty = true
    } else this.#dirty = true
    if (this.#dirty && this.#flushTimer === undefined) {
      // One timer per dirty period: the cursor is persisted at most every cursorFlushMs.
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined
        this.#flushRequested = true
        this.#wake.wake()
      }, this.#args.policy.cursorFlushMs)
      this.#flushTimer.unref()
    }
    this.#progress.wake()
  }

  /** The exactly-once step: the plugin's writes and its new cursor commit together, or not at all. */
  async #apply(writes: readonly PluginWriteOperation[], cursor: number): Promise<void> {
    try {
      await this.#args.db.write((transaction) => {
        applyWrites(transaction, writes)
        this.#records.putCursor(transaction.keyspace(SYS_KEYSPACE), { txnId: cursor, version: this.version })
      }, { origin: this.#origin })
    } catch (error) {
      if (LivingDbError.isInstance(error) && WRITE_REJECTIONS.has(error.code)) {
        throw new PluginError('PLUGIN_HOOK_FAILED', `returned a write the database rejects (${error.code}): ${error.message}`, { plugin: this.name, hook: 'onCommit', cause: error })
      }
      throw error
    }
  }

  async #flushCursor(): Promise<void> {
    if (!this.#dirty) return
    const cursor = this.#position
    await this.#args.db.write((transaction) => this.#records.putCursor(transaction.keyspace(SYS_KEYSPACE), { txnId: cursor, version: this.version }), { origin: this.#origin })
    this.#durableCursor = cursor
    if (this.#position === cursor) {
      this.#dirty = false
      clearTimeout(this.#flushTimer)
      this.#flushTimer = undefined
    }
    this.#skippedSinceFlush = 0
    this.#progress.wake()
  }

  async #deadLetter(items: readonly FeedItem[], txnIds: readonly number[], attempts: number, error: unknown): Promise<void> {
    const policy = this.#args.policy.deadLetter
    const last = items.at(-1)!.txnId
    const record: DeadLetterRecord = {
      plugin: this.name,
      version: this.version,
      firstTxnId: items[0]!.txnId,
      lastTxnId: last,
      txnIds,
      attempts,
      policy,
      error: { code: LivingDbError.isInstance(error) ? error.code : 'PLUGIN_HOOK_FAILED', message: error instanceof Error ? error.message : String(error) },
      at: Date.now(),
    }
    await this.#args.db.write((transaction) => {
      const sys = transaction.keyspace(SYS_KEYSPACE)
      this.#records.putDeadLetter(sys, record)
      if (policy === 'skip') this.#records.putCursor(sys, { txnId: last, version: this.version })
      else sys.put(this.#records.haltedKey, record as unknown as JsonValue)
    }, { origin: this.#origin })
    this.#deadLetters++
    this.#args.onLog({ plugin: this.name, level: 'error', message: `batch ${record.firstTxnId}..${record.lastTxnId} dead-lettered after ${attempts} attempts (${policy})`, fields: { code: record.error.code } })
    if (policy === 'skip') {
      this.#advance(last, true, 0)
      this.#state = 'running'
    } else {
      this.#halted = record
      this.#stopFeed()
      this.#position = this.#durableCursor
    }
  }

  /** Returns a live worker, restarting a dead one after an exponential backoff. */
  async #ensureWorker(): Promise<PluginConnection<InvocationScope> | undefined> {
    while (this.#worker?.alive !== true) {
      if (this.#isClosed()) return undefined
      this.#consecutiveCrashes++
      this.#state = 'backing-off'
      await sleep(backoffDelay(this.#args.policy.backoff, this.#consecutiveCrashes), this.#closing)
      if (this.#isClosed()) return undefined
      this.#restarts++
      try {
        this.#worker = await startPlugin({
          registration: this.#registration,
          policy: this.#args.policy,
          databasePath: this.#args.db.path,
          capabilities: () => this.capabilities,
          violations: this.#args.violations,
          onLog: this.#args.onLog,
          onIdleExit: (reason) => this.recordError(reason),
        })
      } catch (error) {
        this.recordError(error)
      }
    }
    return this.#worker
  }

  async #runSchedule(): Promise<void> {
    const options = this.manifest.hooks.onSchedule
    if (options === undefined) return
    try {
      const worker = await this.#ensureWorker()
      if (worker === undefined) return
      const result = await worker.invoke({ hook: 'onSchedule', input: { now: Date.now() }, timeoutMs: options.timeoutMs ?? this.#args.policy.timeoutMs, scope: { snapshotTxnId: 'head', maxTxnId: 'head' } })
      const writes = this.grants.parseWrites(result, 'onSchedule')
      if (writes.length > 0) await this.#args.db.write((transaction) => applyWrites(transaction, writes), { origin: this.#origin })
    } catch (error) {
      if (!isPluginFault(error)) throw error
      this.recordError(error)
    }
  }
}

function applyWrites(transaction: HostWriteTransaction, writes: readonly PluginWriteOperation[]): void {
  for (const write of writes) {
    const target = write.keyspace === DEFAULT_KEYSPACE ? transaction : transaction.keyspace(write.keyspace)
    if (write.type === 'put') target.put(write.key, write.value)
    else target.delete(write.key)
  }
}

function isPluginFault(error: unknown): boolean {
  return LivingDbError.isInstance(error) && (error.code.startsWith('PLUGIN_') || error.code === 'BUDGET_EXCEEDED' || error.code.startsWith('MODEL_'))
}
