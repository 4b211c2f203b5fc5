import { LivingDbError } from '../../errors/index.js'
import type { EmbedResult, GenerateResult, ModelMiddleware } from '../spec/index.js'
import type { LedgerStore } from '../stores/index.js'
import { withCallFacts } from './call-facts.js'
import { requestHash } from './canonical-json.js'
import { GuardError } from './guard-error.js'

/**
 * How the ledger answers: `read-write` records every response and answers repeats
 * from the ledger; `replay` answers ONLY from the ledger (a miss throws
 * `LEDGER_MISS`, no model is called: index rebuilds are free and deterministic);
 * `off` passes every call through untouched.
 */
export type LedgerMode = 'read-write' | 'replay' | 'off'

/** What the ledger reports for each call it handled. */
export interface LedgerEntryEvent {
  /** The ledger entry id: the request hash (sha256 hex). Record it as provenance. */
  readonly id: string
  readonly kind: 'generate' | 'embed'
  /** True when the answer came from the ledger. */
  readonly hit: boolean
}

/** Options of {@link createLedgerGuard}. */
export interface LedgerGuardOptions {
  readonly store: LedgerStore
  /** Default `read-write`. */
  readonly mode?: LedgerMode
  /** Called once per call with the entry id (also on `result.response.ledgerEntryId`). */
  readonly onEntry?: (event: LedgerEntryEvent) => void
}

/** Response metadata of a result that went through the ledger guard. */
export interface LedgerResponseMetadata {
  readonly id?: string
  readonly modelId?: string
  /** The ledger entry (request hash) that recorded or answered this call. */
  readonly ledgerEntryId: string
}

/** The ledger entry id of a result, when it went through the ledger guard. */
export function ledgerEntryIdOf(result: GenerateResult): string | undefined {
  const id = (result.response as Partial<LedgerResponseMetadata> | undefined)?.ledgerEntryId
  return typeof id === 'string' ? id : undefined
}

/**
 * The ledger/cache guard. The key is `requestHash` of (kind, provider, model id,
 * request as canonical JSON without the abort signal). A generate result is stored
 * as its exact JSON text with `response.ledgerEntryId` set, and every caller (first
 * or repeat, read-write or replay) gets that text parsed back, so replays are
 * byte-identical. Identical requests in flight at once share one model call.
 * Embedding calls are recorded the same way (the entry id is reported via `onEntry`).
 *
 * @example
 * const ledger = createLedgerGuard({ store: stores.ledger, mode: process.env.CI ? 'replay' : 'read-write' })
 */
export function createLedgerGuard(options: LedgerGuardOptions): ModelMiddleware {
  const mode = options.mode ?? 'read-write'
  if (mode !== 'read-write' && mode !== 'replay' && mode !== 'off') {
    throw new LivingDbError('INVALID_ARGUMENT', `Ledger mode ${JSON.stringify(mode)} is not one of "read-write", "replay" or "off".`, { details: { mode: String(mode) } })
  }
  const { store, onEntry } = options
  /** What a lookup found: the stored text, and for the call that recorded it, the value itself. */
  type Answer = { readonly text: string; readonly hit: boolean; readonly value?: unknown }
  const inFlight = new Map<string, Promise<Answer>>()

  async function lookupOrCall(args: {
    readonly kind: 'generate' | 'embed'
    readonly hash: string
    readonly provider: string
    readonly modelId: string
    readonly call: () => Promise<{ readonly text: string; readonly value: unknown }>
  }): Promise<Answer> {
    const stored = await store.get(args.hash)
    if (stored !== undefined) return { text: stored, hit: true }
    if (mode === 'replay') {
      throw new GuardError(
        'LEDGER_MISS',
        `The ledger has no recorded ${args.kind} response for request ${args.hash} (${args.provider}:${args.modelId}) and the ledger is in replay mode. ` +
          'Run once with mode "read-write" (and a configured model) to record it, or check that the prompt, model id and options match the recorded run.',
        { details: { requestHash: args.hash, provider: args.provider, modelId: args.modelId, kind: args.kind } },
      )
    }
    const { text, value } = await args.call()
    await store.put(args.hash, text)
    return { text, hit: false, value }
  }

  /** One lookup (and at most one model call) per hash at a time; followers get the leader's answer. */
  async function answer(args: Parameters<typeof lookupOrCall>[0]): Promise<Answer> {
    const pending = inFlight.get(args.hash)
    if (pending !== undefined) return { text: (await pending).text, hit: true } // no `value`: followers parse their own copy
    const work = lookupOrCall(args)
    inFlight.set(args.hash, work)
    try {
      return await work
    } finally {
      inFlight.delete(args.hash)
    }
  }

  /**
   * Answers from the ledger, or records `next`'s result as stamped by `stamp`. The
   * recording caller gets the stamped value itself (its JSON is the stored text);
   * everyone else gets the stored text parsed, so all of them serialise identically.
   */
  async function recorded<Request extends object, Result>(args: {
    readonly kind: 'generate' | 'embed'
    readonly request: Request
    readonly model: { readonly provider: string; readonly modelId: string }
    readonly next: (request: Request) => Promise<Result>
    readonly stamp: (result: Result, hash: string) => Result
  }): Promise<Result> {
    if (mode === 'off') return args.next(args.request)
    const { request: tracked, facts } = withCallFacts(args.request)
    const { provider, modelId } = args.model
    const hash = requestHash({ kind: args.kind, provider, modelId, request: tracked })
    facts.requestHash = hash
    facts.ledgerEntryId = hash
    const { text, hit, value } = await answer({
      kind: args.kind, hash, provider, modelId,
      call: async () => {
        const stamped = args.stamp(await args.next(tracked), hash)
        return { text: JSON.stringify(stamped), value: stamped }
      },
    })
    facts.ledgerHit = hit
    onEntry?.({ id: hash, kind: args.kind, hit })
    return (value ?? JSON.parse(text)) as Result
  }

  return {
    name: 'ledger',
    wrapGenerate: ({ request, model, next }) =>
      recorded({
        kind: 'generate', request, model, next,
        stamp: (result: GenerateResult, hash) => ({ ...result, response: { ...result.response, ledgerEntryId: hash } }),
      }),
    wrapEmbed: ({ request, model, next }) => recorded({ kind: 'embed', request, model, next, stamp: (result: EmbedResult) => result }),
  }
}
