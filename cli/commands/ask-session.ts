import {
  attachCartridges,
  cartridgeFromRecipe,
  createEntitiesCartridge,
  createHistoryCartridge,
  createRelationshipsCartridge,
  createTasksCartridge,
  createTopicsCartridge,
  createVectorsCartridge,
  CURSOR_KEYSPACE,
  readDefinitionRecords,
  type AttachedCartridges,
  type Cartridge,
} from '../../cartridges/index.js'
import { CARTRIDGE_FACTORIES } from '../cartridge-factories.js'
import { open, type DurabilityMode, type LivingDatabase } from '../../index.js'
import { createDefaultGuards, languageModelIdFromEnv, openFileStores, resolveLanguageModel, wrapModel, type FileGuardStores, type LanguageModelV1, type ModelMiddleware } from '../../llm/index.js'
import { createLlmModelAccess, type PluginRegistration } from '../../plugins/host/index.js'
import { ask, createFieldIndexCartridge, type AskOptions, type AskResult } from '../../queries/index.js'
import type { AskFunction } from '../../server/index.js'
import { llmDirectory } from '../llm-stores.js'
import type { ProgressBar } from '../progress-bar.js'

/** The keyspace the embedder plugin writes and the vectors cartridge reads. */
const EMBEDDINGS_KEYSPACE = 'embeddings'

/** The cartridges a database gets when it has none recorded: full text, history, the task index, the field index (filters), and vectors, entities and relationships (over the plugins' output). */
export function defaultCartridges(): Cartridge[] {
  return [createTopicsCartridge(), createHistoryCartridge(), createTasksCartridge(), createFieldIndexCartridge(), createVectorsCartridge({ source: { keyspace: EMBEDDINGS_KEYSPACE } }), createEntitiesCartridge(), createRelationshipsCartridge()]
}

/** The built-in plugins: the embedder (offline hashing embedder) and the entity extractor (the configured model, offline by default). */
export function defaultPlugins(): PluginRegistration[] {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
  return [
    { module: new URL(`../../plugins/builtin/embedder/embedder-plugin.${extension}`, import.meta.url) },
    { module: new URL(`../../plugins/builtin/entity-extractor/entity-extractor.${extension}`, import.meta.url) },
  ]
}

/**
 * {@link defaultCartridges}, plus any other built-in cartridge recorded in the database
 * (recreated from its recipe), so a cartridge made with `livingdb cartridges` or by an
 * app is queried too.
 */
export function cartridgesFor(db: LivingDatabase): Cartridge[] {
  const defaults = defaultCartridges()
  const names = new Set(defaults.map(cartridge => cartridge.name))
  const recorded = db.read(snapshot => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE)))
  const others = recorded.filter(record => !names.has(record.name) && record.recipe !== null && Object.hasOwn(CARTRIDGE_FACTORIES, record.recipe.kind))
  return [...defaults, ...others.map(record => cartridgeFromRecipe(record.recipe!, CARTRIDGE_FACTORIES))]
}

/** A database opened with the built-in plugins, the guards its model calls go through, and the model for questions. */
export interface LivingSession {
  readonly db: LivingDatabase
  readonly guards: readonly ModelMiddleware[]
  /** The guarded model for planning and answers when `LIVINGDB_MODEL` names one; undefined offline. */
  readonly model: LanguageModelV1 | undefined
  readonly modelId: string
  /** Closes the database (plugins first) and the guard stores. */
  close(): Promise<void>
}

/**
 * Opens a database with the built-in plugins on its commit stream. Model calls (the
 * entity extractor's, and the planner's and answers' when `LIVINGDB_MODEL` is set) go
 * through the default guards with their files in `<db>/llm/`.
 */
export async function openLivingSession(args: { readonly path: string; readonly env: Readonly<Record<string, string | undefined>>; readonly durability: DurabilityMode }): Promise<LivingSession> {
  const stores: FileGuardStores = await openFileStores({ directory: llmDirectory(args.path) })
  const guards = createDefaultGuards({ stores })
  const modelId = languageModelIdFromEnv(args.env)
  try {
    const models = createLlmModelAccess({ languageModel: resolveLanguageModel(modelId, { env: args.env }), guards })
    const db = await open({ path: args.path, durability: args.durability, plugins: defaultPlugins(), models })
    const model = modelId.startsWith('offline') ? undefined : wrapModel({ model: resolveLanguageModel(modelId, { env: args.env }), middleware: guards, context: { scope: 'cli', task: 'ask' } })
    return {
      db,
      guards,
      model,
      modelId,
      async close() {
        try {
          await db.close()
        } finally {
          await stores.close()
        }
      },
    }
  } catch (error) {
    await stores.close()
    throw error
  }
}

/** Everything `ask` needs beside the question: the database with its plugins, the attached cartridges and the model. */
export interface AskSession {
  readonly db: LivingDatabase
  readonly cartridges: readonly Cartridge[]
  readonly attached: AttachedCartridges
  readonly model: LanguageModelV1 | undefined
  /** Resolves once the plugins and cartridges reflect every commit so far, drawing `progress`. */
  idle(progress?: ProgressBar): Promise<void>
  /** Runs one question. */
  ask(question: string, options?: AskOptions): Promise<AskResult>
  /** The same as an {@link AskFunction} for the HTTP server. */
  readonly askFunction: AskFunction
  /** Detaches the cartridges (cursors persisted). The database stays open. */
  close(): Promise<void>
}

/**
 * Attaches the cartridges to a database opened with {@link openLivingSession} and waits
 * until plugins and cartridges reflect every commit (drawing `progress`).
 *
 * @example
 * const living = await openLivingSession({ path: './data', env: process.env, durability: 'group' })
 * const session = await openAskSession({ db: living.db, model: living.model })
 * const result = await session.ask('open high priority tasks', { explain: true })
 * await session.close(); await living.close()
 */
export async function openAskSession(args: { readonly db: LivingDatabase; readonly model: LanguageModelV1 | undefined; readonly cartridges?: readonly Cartridge[]; readonly progress?: ProgressBar }): Promise<AskSession> {
  const { db, model } = args
  const cartridges = [...(args.cartridges ?? cartridgesFor(db))]
  const attached = await attachCartridges({ db, cartridges, background: true })
  try {
    await waitForIndexes({ db, attached, progress: args.progress })
  } catch (error) {
    await attached.close()
    throw error
  }
  const run = (question: string, options: AskOptions = {}): Promise<AskResult> => ask({ db, cartridges, plugins: db.pluginHost, question, options, ...(model === undefined ? {} : { model }) })
  return {
    db,
    cartridges,
    attached,
    model,
    idle: progress => waitForIndexes({ db, attached, progress }),
    ask: run,
    askFunction: ({ question, options }) => run(question, options),
    close: () => attached.close(),
  }
}

/**
 * Resolves once the plugins and then the cartridges reflect every commit (the
 * cartridges also index what the plugins wrote), updating `progress` with the
 * commits applied of the head, summed over plugins and cartridges.
 */
async function waitForIndexes(args: { readonly db: LivingDatabase; readonly attached: AttachedCartridges; readonly progress?: ProgressBar | undefined }): Promise<void> {
  const settled = (async () => {
    await args.db.plugins.idle()
    await args.attached.idle()
  })()
  let done = false
  void settled.then(() => (done = true), () => (done = true))
  while (!done) {
    const pluginStatus = await args.db.plugins.status()
    const rows = [...pluginStatus.map(status => ({ position: status.position, head: status.position + status.lag })), ...args.attached.status().map(status => ({ position: status.position, head: status.head }))]
    const total = rows.reduce((sum, row) => sum + row.head, 0)
    args.progress?.update(rows.reduce((sum, row) => sum + Math.min(row.head, row.position), 0), Math.max(total, 1))
    await Promise.race([settled.catch(() => undefined), new Promise(resolve => setTimeout(resolve, 50))])
  }
  args.progress?.finish()
  await settled
}
