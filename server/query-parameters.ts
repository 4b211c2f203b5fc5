import { LivingDbError } from '../errors/index.js'
import { DEFAULT_KEYSPACE, SYSTEM_KEYSPACE } from '../index.js'
import { invalidRequest } from './http-response.js'
import type { RouteContext } from './route.js'
import { scopeAllows } from './token-store.js'

/** A query parameter that must be a whole number >= `minimum`, or undefined when absent. */
export function integerParameter(url: URL, name: string, bounds: { readonly minimum: number; readonly maximum?: number }): number | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null) return undefined
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < bounds.minimum || (bounds.maximum !== undefined && value > bounds.maximum)) {
    const range = bounds.maximum === undefined ? `>= ${bounds.minimum}` : `from ${bounds.minimum} to ${bounds.maximum}`
    throw invalidRequest(`Query parameter ${name} must be a whole number ${range}, got ${JSON.stringify(raw)}.`, { parameter: name })
  }
  return value
}

/** A boolean query parameter: `true`/`1` or `false`/`0` (absent = false). */
export function booleanParameter(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1' || raw === '') return true
  throw invalidRequest(`Query parameter ${name} must be true or false, got ${JSON.stringify(raw)}.`, { parameter: name })
}

/** A string query parameter (undefined when absent). */
export function stringParameter(url: URL, name: string): string | undefined {
  return url.searchParams.get(name) ?? undefined
}

/**
 * The `keyspace` query parameter (default: the app's keyspace). The `sys`
 * keyspace (plugin cursors, ledgers, settings) needs an admin token; so does
 * writing to a keyspace the server protects (the cartridges' derived indexes).
 */
export function keyspaceParameter(context: RouteContext, access: 'read' | 'write'): string {
  const keyspace = context.url.searchParams.get('keyspace') ?? DEFAULT_KEYSPACE
  const admin = context.token !== undefined && scopeAllows(context.token.scope, 'admin')
  if (keyspace === SYSTEM_KEYSPACE && !admin) {
    throw new LivingDbError('SCOPE_DENIED', `The ${SYSTEM_KEYSPACE} keyspace needs an admin token. Create one with \`livingdb tokens create --scope admin\`.`, { details: { keyspace } })
  }
  if (access === 'write' && !admin && context.protectedKeyspaces.has(keyspace)) {
    throw new LivingDbError('SCOPE_DENIED', `Keyspace ${JSON.stringify(keyspace)} holds a derived index (a cartridge rebuilds it from the records); writing to it directly needs an admin token. Write the records instead.`, { details: { keyspace } })
  }
  return keyspace
}
