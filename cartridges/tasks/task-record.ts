/** The shape of a task record (under `tasks/` by default). Other fields are kept as they are. */
export interface TaskRecord {
  readonly type: string
  /** `pending` tasks are indexed (a missing status counts as pending); anything else is not. */
  readonly status?: string
  /** An integer in ±10^15; higher first; default 0. */
  readonly priority?: number
  readonly claimedBy?: string | null
  readonly [field: string]: unknown
}

/** The largest |priority| the index orders correctly. */
export const MAX_TASK_PRIORITY = 1e15

/** The task, when `value` is a pending task with a valid type and priority; otherwise undefined. */
export function pendingTask(value: unknown): { readonly type: string; readonly priority: number } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return undefined
  const record = value as Partial<TaskRecord>
  if (typeof record.type !== 'string' || record.type.length === 0) return undefined
  if (record.status !== undefined && record.status !== 'pending') return undefined
  const priority = record.priority ?? 0
  if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || Math.abs(priority) > MAX_TASK_PRIORITY) return undefined
  return { type: record.type, priority }
}
