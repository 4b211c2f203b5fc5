/** The `pending_tasks_by_type` cartridge and the atomic `claimTask`. */
export { createTasksCartridge, TASKS_CARTRIDGE_VERSION, type TasksCartridge, type TasksCartridgeOptions } from './create-tasks-cartridge.js'
export { claimTask, type ClaimTaskArgs, type ClaimedTask } from './claim-task.js'
export { pendingTask, MAX_TASK_PRIORITY, NAMED_PRIORITIES, PENDING_STATUSES, type TaskRecord } from './task-record.js'
export type { TaskForwardRecord, TaskIndexEntry } from './apply-tasks.js'
