import type { Cartridge, CartridgeCommit, CartridgeKeyspaceReader } from '../cartridges/spec/index.js'
import type { LanguageModelV1, ModelMiddleware } from '../llm/index.js'
import type { PluginHost } from '../plugins/host/index.js'
import type { Catalog } from './catalog/catalog-types.js'
import type { Plan, PlanNodeKind } from './plan/plan-node.js'

/** One version of the database as `ask` reads it (the engine's `Snapshot` satisfies it). */
export interface AskSnapshot {
  readonly txnId: number
  /** Commit time of `txnId` in ms (the engine's snapshot has it). */
  readonly timestamp?: number
  keyspace(name: string): CartridgeKeyspaceReader
  /** Names of the keyspaces at this version (the engine's snapshot has it). */
  keyspaces?(): string[]
}

/** What `ask` needs from an open database, as a structural type (the engine's `Database` satisfies it). */
export interface AskDatabase {
  readonly txnId: number
  read<T>(reader: (snapshot: AskSnapshot) => T): T
  readAt<T>(txnId: number, reader: (snapshot: AskSnapshot) => T): T
  /** The commit stream; used to turn a time into a txn id when no history cartridge is attached. */
  commits?(options: { readonly from?: number }): AsyncIterableIterator<CartridgeCommit>
}

/** The part of the plugin host `ask` uses (`query`, which runs every plugin's `onQuery` hook in order). */
export type AskPluginHost = Pick<PluginHost, 'query'>

/** Limits of one `ask`. A limit that is hit stops work early and marks the result `partial`. */
export interface AskBudget {
  /** Wall time for planning + execution + answer, in ms (default 5,000). */
  readonly timeMs?: number
  /** Records read by scans, filters and traversals (default 100,000). */
  readonly candidates?: number
  /** Model tokens (input + output) for planning and answering (default 20,000). */
  readonly modelTokens?: number
  /** Model calls (default 3: plan, repair, answer). */
  readonly modelCalls?: number
}

/** Options of {@link AskArgs}. */
export interface AskOptions {
  /** Answer as of a txn id, or a time (ISO string, Date or ms): the question runs on that snapshot. */
  readonly asOf?: number | string | Date
  /** How many results (default 10). */
  readonly limit?: number
  readonly budget?: AskBudget
  /** Include the plan rendering, cost estimate and per-step times. */
  readonly explain?: boolean
  /** Write an answer: true = extractive offline, generated with a model when one is given. Default false. */
  readonly answer?: boolean | 'extractive' | 'model'
  /** Which planner: `auto` (model when one is given, else offline; default), `offline`, `model`. */
  readonly planner?: 'auto' | 'offline' | 'model'
  /** "Now" for relative times such as "last week" (default the clock). */
  readonly now?: number | string | Date
  /** A catalog built earlier (default: built and cached per database and txn). */
  readonly catalog?: Catalog
  /** A plan to run instead of planning (validated first). */
  readonly plan?: Plan
  /** Timeout for all plugins' `onQuery` hooks together, in ms (default 2,000). */
  readonly pluginTimeoutMs?: number
  readonly abortSignal?: AbortSignal
}

/** Arguments of `ask`. */
export interface AskArgs {
  readonly db: AskDatabase
  /** Attached cartridges the plan may use (topics, vectors, entities, relationships, history, tasks). */
  readonly cartridges?: readonly Cartridge[]
  /** A plugin host whose `onQuery` hooks may add candidates or rewrite the plan. */
  readonly plugins?: AskPluginHost
  /** A model for planning and answers (`provider:model` id or object); omitted: fully offline. */
  readonly model?: string | LanguageModelV1
  /** Guards around the model calls (default: the process-wide default guards; `[]` for none). */
  readonly guards?: readonly ModelMiddleware[]
  readonly question: string
  readonly options?: AskOptions
}

/** Where a result came from and which commit wrote it. */
export interface Citation {
  readonly key: string
  readonly keyspace: string
  /** The txn id that wrote the cited version, when known (history cartridge or as-of read). */
  readonly txnId: number | null
  /** Which plan step found it: `topicSearch`, `vectorSearch`, `entityLookup`, `scan`, `plugin:<name>`... */
  readonly source: string
  /** The field the snippet comes from, and the snippet. */
  readonly field?: string
  readonly snippet?: string
}

/** One result record. */
export interface AskResultItem {
  readonly key: string
  readonly keyspace: string
  readonly value: unknown
  readonly score: number
  readonly citations: readonly Citation[]
}

/** One sentence of an answer with the records it comes from. */
export interface AnswerSentence {
  readonly text: string
  readonly citations: readonly Citation[]
}

/** The written answer. */
export interface AskAnswer {
  readonly text: string
  readonly mode: 'extractive' | 'model' | 'aggregate'
  readonly sentences: readonly AnswerSentence[]
  readonly citations: readonly Citation[]
}

/** Estimated before running, and spent. */
export interface AskCost {
  readonly estimated: PlanCost
  readonly candidatesRead: number
  readonly modelCalls: number
  readonly inputTokens: number
  readonly outputTokens: number
}

/** The cost estimate of a plan. */
export interface PlanCost {
  /** Records the plan is expected to read. */
  readonly candidates: number
  /** Cartridge query calls. */
  readonly cartridgeCalls: number
  /** Model calls the plan needs (a model answer). */
  readonly modelCalls: number
  /** A rough time estimate, in ms. */
  readonly milliseconds: number
}

/** Time of one executed plan step. */
export interface StepTiming {
  readonly path: string
  readonly kind: PlanNodeKind
  readonly milliseconds: number
  readonly outputs: number
  /** What served the step: a cartridge name, `scan`, `references`... */
  readonly servedBy: string
}

/** Where the time went. */
export interface AskTimings {
  readonly totalMs: number
  readonly catalogMs: number
  readonly planMs: number
  readonly executeMs: number
  readonly pluginsMs: number
  readonly answerMs: number
  readonly steps: readonly StepTiming[]
}

/** Something the caller should know: a fallback, a skipped plugin, a budget hit. */
export interface AskWarning {
  readonly code: string
  readonly message: string
}

/** What `ask` returns. */
export interface AskResult {
  readonly question: string
  readonly plan: Plan
  readonly results: readonly AskResultItem[]
  readonly answer?: AskAnswer
  readonly cost: AskCost
  readonly timings: AskTimings
  readonly warnings: readonly AskWarning[]
  /** True when a budget stopped work early: results may be missing. */
  readonly partial: boolean
  /** The txn id the question was answered at. */
  readonly txnId: number
  /** With `explain`: the plan as indented text, the cost estimate and step times. */
  readonly explanation?: string
}
