/** The shape of a task record (under `tasks/` by default). Other fields are kept as they are. */
export interface TaskRecord {
  readonly type: string
  /** {@link PENDING_STATUSES} are indexed (a missing status counts as pending); anything else is not. */
  readonly status?: string
  /** An integer in ±10^15, or one of {@link NAMED_PRIORITIES}; higher first; default 0. */
  readonly priority?: number | string
  readonly claimedBy?: string | null
  readonly [field: string]: unknown
}

/** Statuses that mean "waiting for someone to take it" (compared lower-case). */
export const PENDING_STATUSES: ReadonlySet<string> = new Set(['pending', 'open', 'todo', 'new'])

/** Priority words task trackers use, as the integers the index orders by. */
export const NAMED_PRIORITIES: Readonly<Record<string, number>> = Object.freeze({ critical: 4, urgent: 4, high: 3, medium: 2, normal: 2, low: 1 })

/** The largest |priority| the index orders correctly. */
export const MAX_TASK_PRIORITY = 1e15

/** The task, when `value` is a pending task with a valid type and priority; otherwise undefined. */
export function pendingTask(value: unknown): { readonly type: string; readonly priority: number } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return undefined
  const record = value as Partial<TaskRecord>
  if (typeof record.type !== 'string' || record.type.length === 0) return undefined
  if (record.status !== undefined && (typeof record.status !== 'string' || !PENDING_STATUSES.has(record.status.toLowerCase()))) return undefined
  const word = typeof record.priority === 'string' ? record.priority.toLowerCase() : undefined
  const named = word !== undefined && Object.hasOwn(NAMED_PRIORITIES, word) ? NAMED_PRIORITIES[word] : undefined
  const priority = named ?? record.priority ?? 0
  if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || Math.abs(priority) > MAX_TASK_PRIORITY) return undefined
  return { type: record.type, priority }
}
