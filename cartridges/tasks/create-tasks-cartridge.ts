import { z } from 'zod'
import { type CartridgeKeyspaceReader, type CartridgeV1, defineCartridge, defineCartridgeQuery, provenanceSchema } from '../spec/index.js'
import { applyTasks, type TaskForwardRecord, type TaskIndexEntry } from './apply-tasks.js'
import { tasksKeys } from './tasks-keys.js'

/** Options of {@link createTasksCartridge}. */
export interface TasksCartridgeOptions {
  /** Cartridge name (default `pending_tasks_by_type`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** Where task records live (default: keys under `tasks/` of the default keyspace). */
  readonly source?: { readonly keyspace?: string; readonly prefix?: string }
}

/** A task-index cartridge, with what `claimTask` needs to find its records. */
export interface TasksCartridge extends CartridgeV1 {
  readonly taskIndex: { readonly keyspace: string; readonly sourceKeyspace: string; readonly prefix: string }
}

/** The version recorded in provenance. */
export const TASKS_CARTRIDGE_VERSION = '1.1.0'

const entrySchema = z.object({ key: z.string(), type: z.string(), priority: z.number().int(), provenance: provenanceSchema })

/**
 * `pending_tasks_by_type`: an index of pending tasks keyed
 * `<type>/<priority, descending>/<key>`, so the next tasks of a type, in priority order,
 * are one range scan (O(log n + limit)). Claim atomically with {@link claimTask}.
 *
 * @example
 * const tasks = await openCartridge({ db, cartridge: createTasksCartridge() })
 * await db.put('tasks/1', { type: 'email', status: 'pending', priority: 5, claimedBy: null })
 * await tasks.catchUp()
 * tasks.query('pending', { type: 'email', limit: 10 })
 */
export function createTasksCartridge(options: TasksCartridgeOptions = {}): TasksCartridge {
  const name = options.name ?? 'pending_tasks_by_type'
  const keyspace = options.keyspace ?? name
  const source = { keyspace: options.source?.keyspace ?? 'default', prefix: options.source?.prefix ?? 'tasks/' }
  const countsOf = (space: CartridgeKeyspaceReader): Record<string, number> => {
    const result: Record<string, number> = {}
    for (const entry of space.scan({ prefix: tasksKeys.countPrefix })) {
      const count = entry.value as { type: string; pending: number }
      result[count.type] = count.pending
    }
    return result
  }
  const pending = defineCartridgeQuery({
    name: 'pending',
    description: 'Pending tasks of one type, highest priority first (ties by key).',
    input: z.object({ type: z.string().min(1), limit: z.number().int().min(1).max(10_000).default(10) }),
    output: z.array(entrySchema),
    run: ({ input, reader }) => [...reader.keyspace(keyspace).scan({ prefix: tasksKeys.typePrefix(input.type), limit: input.limit })].map((entry) => entry.value as unknown as TaskIndexEntry),
  })
  const counts = defineCartridgeQuery({
    name: 'counts',
    description: 'How many tasks of each type are pending.',
    input: z.object({}),
    output: z.record(z.string(), z.number().int()),
    run: ({ reader }) => countsOf(reader.keyspace(keyspace)),
  })
  const definition = defineCartridge({
    specificationVersion: 'v1',
    name,
    version: TASKS_CARTRIDGE_VERSION,
    // 2: open/todo/new count as pending and priority words (high, low...) are ordered.
    formatVersion: 2,
    modelId: null,
    fingerprint: { source },
    recipe: { kind: 'pending_tasks_by_type', options: { name, keyspace, source } },
    keyspaces: [keyspace],
    sources: [source],
    apply: (args) => applyTasks(keyspace, args),
    queries: [pending, counts],
    stats({ reader }) {
      const byType = countsOf(reader.keyspace(keyspace))
      return { pending: Object.values(byType).reduce((sum, count) => sum + count, 0), types: Object.keys(byType).length, byType }
    },
    *listFacts({ reader }) {
      for (const entry of reader.keyspace(keyspace).scan({ prefix: 'i/' })) yield { keyspace, key: entry.key as string, provenance: (entry.value as unknown as TaskIndexEntry).provenance }
      for (const entry of reader.keyspace(keyspace).scan({ prefix: 'f/' })) yield { keyspace, key: entry.key as string, provenance: (entry.value as unknown as TaskForwardRecord).provenance }
    },
    taskIndex: { keyspace, sourceKeyspace: source.keyspace, prefix: source.prefix },
  })
  return definition
}
