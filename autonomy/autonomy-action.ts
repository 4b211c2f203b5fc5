import type { KeyspaceReader, TransactionKeyspace } from '../core/index.js'
import { LivingDbError } from '../errors/index.js'

/** The `sys` keyspace and the prefix of everything autonomy stores there. */
export const SYS_KEYSPACE = 'sys'
/** `sys` keys of autonomy's records. */
export const AUTONOMY_KEYS = Object.freeze({
  statistics: 'autonomy/statistics',
  policy: 'autonomy/policy',
  cursor: 'autonomy/cursor',
  actions: 'autonomy/actions/',
  alerts: 'autonomy/alerts/',
  segments: 'autonomy/segments/',
})
/** The origin of every commit autonomy makes. */
export const AUTONOMY_ORIGIN = 'autonomy'

/** One autonomous action, audited in `sys` under `autonomy/actions/<id>`. */
export interface AutonomyAction {
  readonly id: string
  readonly kind: 'tiering' | 'cartridge'
  status: 'running' | 'applied' | 'undone' | 'dropped'
  /** Why it was done, in words. */
  readonly reason: string
  /** The numbers behind the decision and its outcome (bytes moved, latency before/after...). */
  numbers: Record<string, number>
  /** Kind-specific state needed to undo it (segments moved, cartridge recipe). */
  details: Record<string, unknown>
  readonly createdAt: number
  /** The commits it made. */
  txnIds: number[]
  undoneAt?: number
}

/** A fresh action id: time-ordered, unique per process. */
export function newActionId(kind: AutonomyAction['kind'], now: number): string {
  sequence = (sequence + 1) % 1296
  return `${kind === 'tiering' ? 't' : 'c'}${now.toString(36)}${sequence.toString(36).padStart(2, '0')}${Math.floor(Math.random() * 1296).toString(36).padStart(2, '0')}`
}
let sequence = 0

/** Reads one action; `AUTONOMY_ACTION_NOT_FOUND` when there is none. */
export function readAction(sys: KeyspaceReader, id: string): AutonomyAction {
  const value = sys.get(`${AUTONOMY_KEYS.actions}${id}`)
  if (value === undefined) {
    throw new LivingDbError('AUTONOMY_ACTION_NOT_FOUND', `No autonomy action ${JSON.stringify(id)}. Run \`livingdb autonomy status\` to list the actions and their ids.`, { details: { id } })
  }
  return value as unknown as AutonomyAction
}

/** Every recorded action, newest first. */
export function listActions(sys: KeyspaceReader): AutonomyAction[] {
  return [...sys.scan({ prefix: AUTONOMY_KEYS.actions })].map((entry) => entry.value as unknown as AutonomyAction).sort((left, right) => right.createdAt - left.createdAt || (left.id < right.id ? 1 : -1))
}

/** Writes an action record inside a transaction. */
export function writeAction(sys: TransactionKeyspace, action: AutonomyAction): void {
  sys.put(`${AUTONOMY_KEYS.actions}${action.id}`, JSON.parse(JSON.stringify(action)) as never)
}
