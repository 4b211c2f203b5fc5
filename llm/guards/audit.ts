import { performance } from 'node:perf_hooks'
import type { CallContext, ModelMiddleware } from '../spec/index.js'
import type { AuditStore } from '../stores/index.js'
import { withCallFacts, type CallFacts } from './call-facts.js'
import { requestHash } from './canonical-json.js'
import { digestAuditText, GENESIS_HASH, type AuditRecord } from './audit-record.js'
import type { GuardClock } from './guard-clock.js'
import { errorCodeOf } from './guard-error.js'
import { costOf, createPriceLookup, type PricingTable } from './pricing.js'

/** Options of {@link createAuditGuard}. */
export interface AuditGuardOptions {
  readonly store: AuditStore
  /**
   * Key for HMAC-SHA256 instead of plain SHA-256. Without it anyone who can write
   * the log can rebuild a consistent chain; with it they also need the key.
   */
  readonly hmacKey?: string
  /** Prices for records of calls no budget guard priced (merged over `DEFAULT_PRICING`). */
  readonly pricing?: PricingTable
  readonly clock?: Pick<GuardClock, 'now'>
}

/**
 * The audit guard: appends one hash-chained {@link AuditRecord} per call (success,
 * ledger hit or failure, including guard refusals further in) with time, scope,
 * task, provider, model, request hash, tokens, cost, latency, outcome, error code,
 * redaction counts, ledger entry and attempts. Never records prompt or reply text.
 * One audit guard (one process) per store: the chain is extended in memory, in the
 * order calls finish, and the store appends in that order.
 *
 * @example
 * const audit = createAuditGuard({ store: stores.audit })
 * // later: (await verifyAuditLog(stores.audit)).ok
 */
export function createAuditGuard(options: AuditGuardOptions): ModelMiddleware {
  const { store, hmacKey } = options
  const now = options.clock?.now ?? Date.now
  const priceOf = createPriceLookup(options.pricing)
  let chain: { nextSeq: number; lastHash: string } | undefined
  let loading: Promise<{ nextSeq: number; lastHash: string }> | undefined

  /** Continues from the later of the head and the last record (the head lags after a crash between the two writes). */
  async function loadChain(): Promise<{ nextSeq: number; lastHash: string }> {
    let head = await store.readHead()
    const last = (await store.readAll()).records.at(-1) as Partial<AuditRecord> | undefined
    if (typeof last?.seq === 'number' && typeof last.hash === 'string' && (head === undefined || last.seq > head.seq)) head = { seq: last.seq, hash: last.hash }
    chain ??= head === undefined ? { nextSeq: 0, lastHash: GENESIS_HASH } : { nextSeq: head.seq + 1, lastHash: head.hash }
    return chain
  }

  async function record(args: {
    readonly kind: AuditRecord['kind']
    readonly context: CallContext
    readonly provider: string
    readonly modelId: string
    readonly hashOf: () => string
    readonly facts: CallFacts
    readonly startedAt: number
    readonly started: number
    readonly usage: { readonly inputTokens: number; readonly outputTokens: number } | undefined
    readonly error: unknown
  }): Promise<void> {
    const current = chain ?? (await (loading ??= loadChain()))
    const { facts } = args
    const cached = facts.ledgerHit === true
    const inputTokens = cached ? 0 : (args.usage?.inputTokens ?? 0)
    const outputTokens = cached ? 0 : (args.usage?.outputTokens ?? 0)
    const price = priceOf(args.provider, args.modelId)
    const task = args.context.task
    const errorCode = args.error === undefined ? undefined : errorCodeOf(args.error)
    // Keys in sorted order (and no undefined values), so JSON.stringify gives the
    // canonical JSON that verifyAuditLog recomputes, at native speed.
    const body: Omit<AuditRecord, 'hash'> = {
      ...(facts.attempts === undefined ? {} : { attempts: facts.attempts }),
      costUsd: facts.costUsd ?? (cached || price === undefined ? 0 : costOf(price, { inputTokens, outputTokens })),
      ...(errorCode === undefined ? {} : { errorCode }),
      inputTokens,
      kind: args.kind,
      latencyMs: Math.round((performance.now() - args.started) * 1000) / 1000,
      ...(facts.ledgerEntryId === undefined ? {} : { ledgerEntryId: facts.ledgerEntryId }),
      model: args.modelId,
      outcome: args.error !== undefined ? 'error' : cached ? 'cached' : 'ok',
      outputTokens,
      prevHash: current.lastHash,
      provider: args.provider,
      redactions: sortedCounts(facts.redactions),
      requestHash: facts.requestHash ?? args.hashOf(),
      scope: args.context.scope,
      seq: current.nextSeq,
      ...(task === undefined ? {} : { task }),
      time: new Date(args.startedAt).toISOString(),
    }
    const hash = digestAuditText(JSON.stringify(body), hmacKey)
    current.nextSeq++
    current.lastHash = hash
    await store.append({ ...body, hash })
  }

  /** Runs the call and appends its record, whatever the outcome. */
  async function observe<Request extends object, Result>(args: {
    readonly kind: AuditRecord['kind']
    readonly request: Request
    readonly model: { readonly provider: string; readonly modelId: string }
    readonly context: CallContext
    readonly next: (request: Request) => Promise<Result>
    readonly usageOf: (result: Result) => { readonly inputTokens: number; readonly outputTokens: number }
  }): Promise<Result> {
    const { request: tracked, facts } = withCallFacts(args.request)
    const { provider, modelId } = args.model
    const base = {
      kind: args.kind, context: args.context, provider, modelId, facts, startedAt: now(), started: performance.now(),
      hashOf: () => requestHash({ kind: args.kind, provider, modelId, request: tracked }),
    }
    let result: Result
    try {
      result = await args.next(tracked)
    } catch (error) {
      await record({ ...base, usage: undefined, error: error ?? new Error('undefined thrown') })
      throw error
    }
    await record({ ...base, usage: args.usageOf(result), error: undefined })
    return result
  }

  return {
    name: 'audit',
    wrapGenerate: ({ request, model, context, next }) =>
      observe({ kind: 'generate', request, model, context, next, usageOf: (result) => result.usage }),
    wrapEmbed: ({ request, model, context, next }) =>
      observe({ kind: 'embed', request, model, context, next, usageOf: (result) => ({ inputTokens: result.usage.inputTokens, outputTokens: 0 }) }),
  }
}

function sortedCounts(counts: Readonly<Record<string, number>> | undefined): Readonly<Record<string, number>> {
  if (counts === undefined) return {}
  const keys = Object.keys(counts)
  if (keys.length < 2) return counts
  const sorted: Record<string, number> = {}
  for (const key of keys.sort()) sorted[key] = counts[key]!
  return sorted
}
