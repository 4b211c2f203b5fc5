import { keyComponent, padNumber } from '../spec/index.js'
import { MAX_TASK_PRIORITY } from './task-record.js'

/**
 * The key layout of a task index keyspace:
 * - `i/<type>/<priority, descending>/<source key>` → {@link TaskIndexEntry} (pending tasks only)
 * - `f/<source key>` → `{ indexKey, provenance }`: where the task sits in the index
 * - `c/<type>` → `{ type, pending }`: how many tasks of that type are pending
 */
export const tasksKeys = {
  index: (type: string, priority: number, sourceKey: string): string => `i/${keyComponent(type)}/${padNumber(MAX_TASK_PRIORITY - priority, 16)}/${keyComponent(sourceKey)}`,
  typePrefix: (type: string): string => `i/${keyComponent(type)}/`,
  forward: (sourceKey: string): string => `f/${keyComponent(sourceKey)}`,
  count: (type: string): string => `c/${keyComponent(type)}`,
  countPrefix: 'c/',
} as const
