import {
  attachCartridges,
  BUILTIN_CARTRIDGE_FACTORIES,
  cartridgeFromRecipe,
  createHistoryCartridge,
  createTasksCartridge,
  createTopicsCartridge,
  createVectorsCartridge,
  CURSOR_KEYSPACE,
  readDefinitionRecords,
  type AttachedCartridges,
  type Cartridge,
} from '../../cartridges/index.js'
import { createPluginHost, type PluginHost, type PluginRegistration } from '../../plugins/host/index.js'
import { createDefaultGuards, languageModelIdFromEnv, openFileStores, resolveLanguageModel, wrapModel, type LanguageModelV1 } from '../../llm/index.js'
import { ask, type AskOptions, type AskResult } from '../../queries/index.js'
import type { AskFunction } from '../../server/index.js'
import { llmDirectory } from '../llm-stores.js'
import type { Database } from '../open-database.js'
import type { ProgressBar } from '../progress-bar.js'

/** The cartridges a database gets when it has none recorded: full-text topics, per-key history, the task index and vectors over the embedder's output. */
export function defaultCartridges(): Cartridge[] {
  return [createTopicsCartridge(), createHistoryCartridge(), createTasksCartridge(), createVectorsCartridge({ source: { keyspace: 'embeddings' } })]
}

/** The built-in plugins every session runs: the embedder (offline hashing embedder), whose output the vectors cartridge indexes. */
export function defaultPlugins(): PluginRegistration[] {
  const fromSource = import.meta.url.endsWith('.ts')
  return [{ module: new URL(`../../plugins/builtin/embedder/embedder-plugin.${fromSource ? 'ts' : 'js'}`, import.meta.url) }]
}

/** The built-in cartridges recorded in the database (recreated from their recipes), or {@link defaultCartridges} when there are none. */
export function cartridgesFor(db: Database): Cartridge[] {
  const recorded = db.read(snapshot => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE)))
  const known = recorded.filter(record => record.recipe !== null && Object.hasOwn(BUILTIN_CARTRIDGE_FACTORIES, record.recipe.kind))
  return known.length === 0 ? defaultCartridges() : known.map(record => cartridgeFromRecipe(record.recipe!, BUILTIN_CARTRIDGE_FACTORIES))
}

/** Everything `ask` needs beside the question: the database, attached cartridges and the model (absent: offline). */
export interface AskSession {
  readonly db: Database
  /** The plugin host running {@link defaultPlugins} on the commit stream. */
  readonly plugins: PluginHost
  readonly cartridges: readonly Cartridge[]
  readonly attached: AttachedCartridges
  /** The guarded model when `LIVINGDB_MODEL` names one other than the offline provider. */
  readonly model: LanguageModelV1 | undefined
  readonly modelId: string
  /** Resolves once the plugins and cartridges reflect every commit so far, drawing `progress`. */
  idle(progress?: ProgressBar): Promise<void>
  /** Runs one question. */
  ask(question: string, options?: AskOptions): Promise<AskResult>
  /** The same as an {@link AskFunction} for the HTTP server. */
  readonly askFunction: AskFunction
  /** Detaches the cartridges (cursors persisted) and closes the model's guard stores. The database stays open. */
  close(): Promise<void>
}

/** Arguments of {@link openAskSession}. */
export interface OpenAskSessionArgs {
  readonly db: Database
  /** The database directory, for the model guards' files in `<db>/llm` (omit for an in-memory database: guards keep state in memory). */
  readonly databasePath?: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cartridges?: readonly Cartridge[]
  readonly plugins?: readonly PluginRegistration[]
  /** Shows indexing progress (commits applied of the head) while the cartridges catch up. */
  readonly progress?: ProgressBar
}

/**
 * Attaches the cartridges to an open database, waits until they reflect every
 * commit (drawing `progress`), and resolves the model: `LIVINGDB_MODEL` wrapped
 * in the default guards (audit, budget, rate limit, redaction; files in
 * `<db>/llm`), or none for the offline planner and extractive answers.
 *
 * @example
 * const session = await openAskSession({ db, databasePath: './data', env: process.env })
 * const result = await session.ask('open high priority tasks', { explain: true })
 * await session.close()
 */
export async function openAskSession(args: OpenAskSessionArgs): Promise<AskSession> {
  const cartridges = [...(args.cartridges ?? cartridgesFor(args.db))]
  const plugins = await createPluginHost({ db: args.db, plugins: [...(args.plugins ?? defaultPlugins())], onLog: () => {} })
  let attached: AttachedCartridges | undefined
  try {
    attached = await attachCartridges({ db: args.db, cartridges, background: true })
    await waitForIndexes({ plugins, attached, progress: args.progress })
  } catch (error) {
    await attached?.close()
    await plugins.close()
    throw error
  }
  const modelId = languageModelIdFromEnv(args.env)
  const offline = modelId.startsWith('offline')
  const stores = offline || args.databasePath === undefined ? undefined : await openFileStores({ directory: llmDirectory(args.databasePath) })
  const model = offline ? undefined : wrapModel({ model: resolveLanguageModel(modelId, { env: args.env }), middleware: createDefaultGuards(stores === undefined ? {} : { stores }), context: { scope: 'cli', task: 'ask' } })
  const run = (question: string, options: AskOptions = {}): Promise<AskResult> => ask({ db: args.db, cartridges, question, options, ...(model === undefined ? {} : { model }) })
  return {
    db: args.db,
    cartridges,
    attached,
    plugins,
    model,
    modelId,
    idle: progress => waitForIndexes({ plugins, attached: attached!, progress }),
    ask: run,
    askFunction: ({ question, options }) => run(question, options),
    async close() {
      await plugins.close()
      await attached!.close()
      await stores?.close()
    },
  }
}

/**
 * Resolves once the plugins and then the cartridges reflect every commit (the
 * cartridges also index what the plugins wrote), updating `progress` with the
 * commits applied of the head, summed over plugins and cartridges.
 */
async function waitForIndexes(args: { readonly plugins: PluginHost; readonly attached: AttachedCartridges; readonly progress?: ProgressBar | undefined }): Promise<void> {
  const settled = (async () => {
    await args.plugins.idle()
    await args.attached.idle()
  })()
  let done = false
  void settled.then(() => (done = true), () => (done = true))
  while (!done) {
    const pluginStatus = await args.plugins.status()
    const cartridgeStatus = args.attached.status()
    const rows = [...pluginStatus.map(status => ({ position: status.position, head: status.position + status.lag })), ...cartridgeStatus.map(status => ({ position: status.position, head: status.head }))]
    const total = rows.reduce((sum, row) => sum + row.head, 0)
    args.progress?.update(rows.reduce((sum, row) => sum + Math.min(row.head, row.position), 0), Math.max(total, 1))
    await Promise.race([settled.catch(() => undefined), new Promise(resolve => setTimeout(resolve, 50))])
  }
  args.progress?.finish()
  await settled
}
