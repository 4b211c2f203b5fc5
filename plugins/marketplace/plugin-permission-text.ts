import type { PluginPermissions, PluginReadGrant } from '../spec/plugin-permissions.js'

function readLine(grant: PluginReadGrant): string {
  const where = grant.keyspace === 'default' ? 'your records (keyspace "default")' : `keyspace "${grant.keyspace}"`
  return grant.prefix === undefined ? `read every key of ${where} and receive its commits` : `read keys starting with "${grant.prefix}" in ${where} and receive their commits`
}

function budgetText(model: Exclude<PluginPermissions['model'], undefined | false>): string {
  const limits = [model.budget.maxTokens === undefined ? undefined : `${model.budget.maxTokens} tokens`, model.budget.maxCostUsd === undefined ? undefined : `$${model.budget.maxCostUsd}`].filter((limit) => limit !== undefined)
  return limits.length === 0 ? 'no budget limit' : `at most ${limits.join(' and ')}`
}

/**
 * The permissions a plugin asks for, one plain sentence each, as shown before consent.
 *
 * @example
 * describePermissions({ read: [{ keyspace: 'default' }], write: ['tags'], network: false })
 * // ['read every key of your records (keyspace "default") and receive its commits', 'write its own keyspace "tags"', 'no network access']
 */
export function describePermissions(permissions: PluginPermissions): string[] {
  const lines = permissions.read.map(readLine)
  for (const keyspace of permissions.write) lines.push(`write its own keyspace "${keyspace}"`)
  if (permissions.model !== undefined && permissions.model !== false) lines.push(`call language models through the guarded client (${budgetText(permissions.model)})`)
  lines.push(permissions.network ? 'open network connections' : 'no network access')
  if (permissions.receiveOwnCommits === true) lines.push('receive its own commits')
  return lines
}

function covers(granted: readonly PluginReadGrant[], requested: PluginReadGrant): boolean {
  return granted.some((grant) => grant.keyspace === requested.keyspace && (grant.prefix === undefined || (requested.prefix !== undefined && requested.prefix.startsWith(grant.prefix))))
}

function raised(before: number | undefined, after: number | undefined): boolean {
  return before !== undefined && (after === undefined || after > before)
}

/**
 * What `requested` asks for beyond `granted`, one sentence each (empty: nothing new).
 * New read grants or written keyspaces, model access or a higher budget, network and
 * own commits all count: an update that widens any of them needs new consent.
 */
export function widenedPermissions(granted: PluginPermissions, requested: PluginPermissions): string[] {
  const widened = requested.read.filter((grant) => !covers(granted.read, grant)).map(readLine)
  for (const keyspace of requested.write) if (!granted.write.includes(keyspace)) widened.push(`write its own keyspace "${keyspace}"`)
  const before = granted.model === undefined || granted.model === false ? undefined : granted.model
  const after = requested.model === undefined || requested.model === false ? undefined : requested.model
  if (after !== undefined && before === undefined) widened.push(`call language models through the guarded client (${budgetText(after)})`)
  else if (after !== undefined && before !== undefined && (raised(before.budget.maxTokens, after.budget.maxTokens) || raised(before.budget.maxCostUsd, after.budget.maxCostUsd))) {
    widened.push(`a larger model budget (${budgetText(after)}, was ${budgetText(before)})`)
  }
  if (requested.network && !granted.network) widened.push('open network connections')
  if (requested.receiveOwnCommits === true && granted.receiveOwnCommits !== true) widened.push('receive its own commits')
  return widened
}
