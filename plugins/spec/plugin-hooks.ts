import type { JsonValue } from './json-value.js'
import type { PluginCommit } from './plugin-commit.js'
import type { PluginHookContext } from './plugin-hook-context.js'
import type { PluginWriteOperation } from './plugin-write-operation.js'

/** Arguments of `onCommit`: a batch of commits in txn order, plus the capabilities. */
export interface OnCommitArgs<Config> extends PluginHookContext<Config> {
  readonly commits: readonly PluginCommit[]
}

/** What `onCommit` and `onSchedule` return: writes for the plugin's own keyspaces. */
export interface PluginWriteResult {
  readonly writes?: readonly PluginWriteOperation[]
}

/** A candidate record a query may return, with a score and why it was found. */
export interface PluginQueryCandidate {
  readonly keyspace: string
  readonly key: string
  readonly score: number
  readonly source: string
}

/** Arguments of `onQuery`: the question, the current plan (JSON) and candidates so far. */
export interface OnQueryArgs<Config> extends PluginHookContext<Config> {
  readonly question: string
  readonly plan: JsonValue
  readonly candidates: readonly PluginQueryCandidate[]
}

/** What `onQuery` may return: extra candidates and/or a rewritten plan. */
export interface OnQueryResult {
  readonly addCandidates?: readonly PluginQueryCandidate[]
  readonly plan?: JsonValue
}

/** Arguments of `onSchedule`. */
export interface OnScheduleArgs<Config> extends PluginHookContext<Config> {
  /** Wall-clock time of this run, milliseconds since the epoch. */
  readonly now: number
}

/**
 * Every hook, named once (Rollup style). Each hook has an execution kind:
 * - `onCommit`: **parallel** across plugins, strictly ordered per plugin, in batches;
 * - `onQuery`: **sequential** through the plugins (`order: 'pre'` first, then in
 *   registration order, then `'post'`), each within its timeout; a failing or slow plugin
 *   is skipped, the query goes on;
 * - `onSchedule`: **parallel**, periodic maintenance, never overlapping itself.
 */
export interface PluginHookHandlers<Config> {
  onCommit: (args: OnCommitArgs<Config>) => PluginWriteResult | void | Promise<PluginWriteResult | void>
  onQuery: (args: OnQueryArgs<Config>) => OnQueryResult | void | Promise<OnQueryResult | void>
  onSchedule: (args: OnScheduleArgs<Config>) => PluginWriteResult | void | Promise<PluginWriteResult | void>
}

/** The name of a hook. */
export type PluginHookName = keyof PluginHookHandlers<unknown>

/** Hooks run in parallel across plugins. */
export type ParallelPluginHooks = 'onCommit' | 'onSchedule'
/** Hooks run one plugin after another, each seeing the previous one's result. */
export type SequentialPluginHooks = 'onQuery'

/** The execution kind of each hook, as a value (the host dispatches on it). */
export const PLUGIN_HOOK_KINDS = {
  onCommit: 'parallel',
  onQuery: 'sequential',
  onSchedule: 'parallel',
} as const satisfies Record<PluginHookName, 'parallel' | 'sequential'>

/** Options of `onCommit` (object form). */
export interface OnCommitOptions {
  /** Batching: deliver at most `maxCommits` commits, waiting at most `maxWaitMs` to fill a batch. */
  readonly batch?: { readonly maxCommits?: number; readonly maxWaitMs?: number }
  /** Per-batch timeout in ms (default 30,000). On timeout the worker is terminated and restarted. */
  readonly timeoutMs?: number
}

/** Options of `onQuery` (object form). */
export interface OnQueryOptions {
  readonly order?: 'pre' | 'post'
  /** Per-call timeout in ms (default 2,000). */
  readonly timeoutMs?: number
}

/** Options of `onSchedule` (always the object form: it needs a period). */
export interface OnScheduleOptions {
  readonly everyMs: number
  readonly timeoutMs?: number
}

/** A hook given either as a bare function or as `{ handler, ...options }`. */
export type ObjectHook<Handler, Options> = Handler | ({ readonly handler: Handler } & Options)

/**
 * The `hooks` field of a plugin definition. At least one hook is required.
 *
 * @example
 * const hooks: PluginHooks<{ prefix: string }> = {
 *   onCommit: {
 *     batch: { maxCommits: 500, maxWaitMs: 20 },
 *     async handler({ commits, config }) {
 *       return { writes: commits.map((commit) => ({ type: 'put', keyspace: 'seen', key: `${config.prefix}${commit.txnId}`, value: commit.origin })) }
 *     },
 *   },
 *   onSchedule: { everyMs: 60_000, handler: ({ log }) => log.info('tick') },
 * }
 */
export interface PluginHooks<Config> {
  readonly onCommit?: ObjectHook<PluginHookHandlers<Config>['onCommit'], OnCommitOptions>
  readonly onQuery?: ObjectHook<PluginHookHandlers<Config>['onQuery'], OnQueryOptions>
  readonly onSchedule?: { readonly handler: PluginHookHandlers<Config>['onSchedule'] } & OnScheduleOptions
}
