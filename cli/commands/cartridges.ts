import { LivingDbError } from '../../errors/index.js'
import {
  type Cartridge,
  type CartridgeDatabase,
  type CartridgeDefinitionRecord,
  CURSOR_KEYSPACE,
  cartridgeFromRecipe,
  cartridgeOrigin,
  cartridgeStatus,
  filterCommit,
  readDefinitionRecords,
  rebuildCartridge,
  scopeSnapshot,
} from '../../cartridges/index.js'
import { CARTRIDGE_FACTORIES } from '../cartridge-factories.js'
import type { CommandContext, CommandDefinition } from '../command.js'
import { withDatabase, type Database } from '../open-database.js'
import { formatStats } from './stats.js'

/** One cartridge as `cartridges list` reports it. */
export interface CartridgeListing {
  readonly name: string
  /** The recipe kind (null for a cartridge the app defined without one). */
  readonly kind: string | null
  readonly version: string | null
  readonly formatVersion: number | null
  /** `current`, `stale`, `missing` (recorded, index gone), `not-built` (a built-in never built here), `app-defined` (no recipe: only the app can open it). */
  readonly state: 'current' | 'stale' | 'missing' | 'not-built' | 'app-defined'
  readonly reason: string | null
  readonly cursor: number
  readonly head: number
  /** Commits after the cursor that hold operations for the cartridge (what a catch-up would apply). */
  readonly pendingCommits: number | null
  readonly keyspaces: readonly string[]
  readonly queries: readonly string[]
}

/**
 * The cartridge a definition record describes: from its recipe, or, for a built-in
 * recorded without one, the built-in with default options when the stored index was
 * built with exactly those (same format, model and config). Undefined otherwise.
 */
function recreate(db: CartridgeDatabase, record: CartridgeDefinitionRecord): Cartridge | undefined {
  if (record.recipe !== null) return Object.hasOwn(CARTRIDGE_FACTORIES, record.recipe.kind) ? cartridgeFromRecipe(record.recipe, CARTRIDGE_FACTORIES) : undefined
  if (!Object.hasOwn(CARTRIDGE_FACTORIES, record.name)) return undefined
  const candidate = CARTRIDGE_FACTORIES[record.name]!(undefined as never)
  return cartridgeStatus({ db, cartridge: candidate }).state === 'current' ? candidate : undefined
}

/** The cartridges a database records (and the built-in kinds it has not built), with their state. */
export async function listDatabaseCartridges(database: Database): Promise<CartridgeListing[]> {
  const db: CartridgeDatabase = database
  const head = db.txnId
  const records = db.read((snapshot) => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE)))
  const listings: CartridgeListing[] = []
  for (const record of records) {
    const cursor = db.read((snapshot) => snapshot.keyspace(CURSOR_KEYSPACE).get(`cartridges/${record.name}/cursor`))
    const base = { name: record.name, kind: record.recipe?.kind ?? null, version: record.version, formatVersion: record.formatVersion, cursor: typeof cursor === 'number' ? cursor : 0, head, keyspaces: record.keyspaces }
    const cartridge = recreate(db, record)
    if (cartridge === undefined) {
      listings.push({ ...base, state: 'app-defined', reason: 'no recipe this command knows: open it from the app that defines it', pendingCommits: null, queries: [] })
      continue
    }
    const status = cartridgeStatus({ db, cartridge })
    listings.push({ ...base, kind: record.recipe?.kind ?? record.name, version: cartridge.version, formatVersion: cartridge.formatVersion, state: status.state, reason: status.reason, pendingCommits: await pendingCommits(db, cartridge, base.cursor), queries: cartridge.queries.map((query) => query.name) })
  }
  for (const [kind, factory] of Object.entries(CARTRIDGE_FACTORIES)) {
    const cartridge = factory(undefined as never)
    if (records.some((record) => record.name === cartridge.name)) continue
    listings.push({ name: cartridge.name, kind, version: cartridge.version, formatVersion: cartridge.formatVersion, state: 'not-built', reason: `built-in; \`livingdb cartridges rebuild ${cartridge.name}\` builds it with default options`, cursor: 0, head, pendingCommits: null, keyspaces: cartridge.keyspaces, queries: cartridge.queries.map((query) => query.name) })
  }
  return listings
}

async function pendingCommits(db: CartridgeDatabase, cartridge: Cartridge, cursor: number): Promise<number> {
  const head = db.txnId
  if (cursor >= head) return 0
  const origin = cartridgeOrigin(cartridge)
  let pending = 0
  const iterator = db.commits({ from: cursor + 1 })
  try {
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
      if (filterCommit(step.value, cartridge.sources, origin) !== undefined) pending++
      if (step.value.txnId >= head) break
    }
  } finally {
    await iterator.return?.()
  }
  return pending
}

/**
 * The cartridge named `name`, recreated from its recipe in the database, or (when
 * `allowNew`) the built-in kind of that name with default options.
 */
export function resolveCartridge(database: Database, name: string, allowNew: boolean): Cartridge {
  const db: CartridgeDatabase = database
  const records = db.read((snapshot) => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE)))
  const record = records.find((candidate) => candidate.name === name)
  if (record !== undefined) {
    const cartridge = recreate(db, record)
    if (cartridge === undefined) {
      throw new LivingDbError('CARTRIDGE_NOT_FOUND', `Cartridge "${name}" was defined by the app (no recipe of a kind this command knows), so this command cannot recreate it. Rebuild it from the app: (await attachCartridges({ db, cartridges })).rebuild('${name}').`, { details: { cartridge: name } })
    }
    return cartridge
  }
  if (allowNew && Object.hasOwn(CARTRIDGE_FACTORIES, name)) return CARTRIDGE_FACTORIES[name]!(undefined as never)
  const known = [...new Set([...records.map((candidate) => candidate.name), ...Object.keys(CARTRIDGE_FACTORIES)])]
  throw new LivingDbError('CARTRIDGE_NOT_FOUND', `No cartridge named "${name}" in this database${allowNew ? ' and no built-in of that name' : ''}. Known: ${known.join(', ')}. \`livingdb cartridges list\` shows them.`, { details: { cartridge: name } })
}

const listCommand: CommandDefinition = {
  path: ['cartridges', 'list'],
  summary: 'List the cartridges of a database (and the built-in ones not built yet) with state, cursor and queries.',
  description: [
    'Reads the cartridge definitions the database records in sys. state is current, stale (built with',
    'another format, model or config: rebuild it), missing (index gone), not-built (a built-in never',
    'built here) or app-defined (no recipe this command knows). pendingCommits counts the commits',
    'after the cursor that a catch-up would still apply.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb cartridges list', 'livingdb cartridges list --db ./data --json | jq ".cartridges[].state"'],
  async run(context) {
    await withDatabase({
      context,
      mustExist: true,
      async use(database) {
        const cartridges = await listDatabaseCartridges(database)
        if (context.json) context.output.json({ head: database.txnId, cartridges })
        else for (const line of formatListing(cartridges)) context.output.line(line)
      },
    })
  },
}

function formatListing(cartridges: readonly CartridgeListing[]): string[] {
  const rows = cartridges.map((item) => [item.name, item.kind ?? '-', item.state, item.state === 'not-built' ? '-' : String(item.cursor), item.pendingCommits === null ? '-' : String(item.pendingCommits), item.queries.join(',') || '-'])
  const header = ['NAME', 'KIND', 'STATE', 'CURSOR', 'PENDING', 'QUERIES']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  return [header, ...rows].map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd())
}

const statsCommand: CommandDefinition = {
  path: ['cartridges', 'stats'],
  summary: "Show a cartridge's state and its own statistics (documents, versions, pending tasks...).",
  description: 'Without a name, shows every cartridge the database records. --json prints { cartridges: [{ name, state, cursor, head, stats }] }.',
  positionals: [{ name: 'name', description: 'The cartridge (see `livingdb cartridges list`).', required: false }],
  options: [],
  examples: ['livingdb cartridges stats topics', 'livingdb cartridges stats --json'],
  async run(context) {
    await withDatabase({
      context,
      mustExist: true,
      use(database) {
        const db: CartridgeDatabase = database
        const name = context.positionals[0]
        const names = name !== undefined ? [name] : db.read((snapshot) => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE))).filter((record) => recreate(db, record) !== undefined).map((record) => record.name)
        const results = names.map((each) => {
          const cartridge = resolveCartridge(database, each, false)
          const status = cartridgeStatus({ db, cartridge })
          const stats = db.read((snapshot) => cartridge.stats({ reader: scopeSnapshot(cartridge, snapshot) }))
          return { name: cartridge.name, state: status.state, reason: status.reason, cursor: status.cursor, head: status.head, stats }
        })
        if (context.json) context.output.json({ cartridges: results })
        else if (results.length === 0) context.output.line('No cartridges built in this database yet (`livingdb cartridges list` shows the built-in ones).')
        else for (const result of results) for (const line of formatStats({ [result.name]: { state: result.state, ...(result.reason === null ? {} : { reason: result.reason }), cursor: result.cursor, head: result.head, ...result.stats } })) context.output.line(line)
      },
    })
  },
}

const rebuildCommand: CommandDefinition = {
  path: ['cartridges', 'rebuild'],
  summary: 'Rebuild a cartridge from the commit stream (deterministic; a built-in not built yet is created).',
  description: [
    'Clears the cartridge keyspaces and re-applies every commit up to the head, one transaction per',
    'batch, with a progress bar on a terminal. A crash part-way leaves the cartridge "missing", and the',
    'next rebuild or attach starts over. Model-backed cartridges replay their answers from the ledger.',
  ].join('\n'),
  positionals: [{ name: 'name', description: 'The cartridge (see `livingdb cartridges list`).', required: true }],
  options: [{ name: 'batch', type: 'integer', valueName: 'N', minimum: 1, description: 'Commits per transaction (default 1,000).' }],
  examples: ['livingdb cartridges rebuild topics', 'livingdb cartridges rebuild history --db ./data --json'],
  async run(context) {
    await withDatabase({ context, mustExist: true, use: (database) => rebuild(context, database) })
  },
}

async function rebuild(context: CommandContext, database: Database): Promise<void> {
  const name = context.positionals[0]!
  const cartridge = resolveCartridge(database, name, true)
  const db: CartridgeDatabase = database
  const started = performance.now()
  const bar = context.output.progress({ label: `rebuild ${name}`, total: db.txnId })
  const batch = context.options.batch
  let result
  try {
    result = await rebuildCartridge({ db, cartridge, ...(typeof batch === 'number' ? { maxCommitsPerBatch: batch } : {}), onProgress: ({ cursor, head }) => bar.update(cursor, head) })
    bar.update(db.txnId, db.txnId)
  } finally {
    bar.finish()
  }
  const milliseconds = Math.round(performance.now() - started)
  const stats = db.read((snapshot) => cartridge.stats({ reader: scopeSnapshot(cartridge, snapshot) }))
  if (context.json) context.output.json({ name, cursor: result.cursor, batches: result.batches, applied: result.applied, milliseconds, stats })
  else context.output.line(`rebuilt ${name}: ${result.applied.toLocaleString('en-US')} commits applied in ${result.batches} batch${result.batches === 1 ? '' : 'es'}, cursor ${result.cursor} (${milliseconds} ms)`)
}

/** `livingdb cartridges list|stats|rebuild`. */
export const CARTRIDGES_COMMANDS: readonly CommandDefinition[] = [listCommand, statsCommand, rebuildCommand]
