import { createAutonomy, type AutonomyAction, type AutonomyPlan, type AutonomyRunReport } from '../../autonomy/index.js'
import { flagOption, type CommandContext, type CommandDefinition } from '../command.js'
import { type Database, withDatabase } from '../open-database.js'
import { formatBytes } from '../progress-bar.js'

/** Opens the database and autonomy; `persist` (run, undo) saves the statistics afterwards, status and plan write nothing. */
async function withAutonomy<T>(context: CommandContext, persist: boolean, use: (autonomy: Awaited<ReturnType<typeof createAutonomy>>, database: Database) => Promise<T>): Promise<T> {
  return withDatabase({
    context,
    mustExist: true,
    async use(database) {
      const autonomy = await createAutonomy({ db: database })
      const result = await use(autonomy, database)
      if (persist) await autonomy.flush()
      return result
    },
  })
}

function round(value: number): string {
  return (Math.round(value * 10) / 10).toLocaleString('en-US')
}

function describeAction(action: AutonomyAction): string {
  const numbers = Object.entries(action.numbers).map(([name, value]) => `${name}=${round(value)}`).join(' ')
  return `${action.id}  ${action.kind.padEnd(9)} ${action.status.padEnd(8)} ${new Date(action.createdAt).toISOString()}  ${action.reason}${numbers === '' ? '' : `  [${numbers}]`}`
}

function planLines(plan: AutonomyPlan): string[] {
  const { tiers } = plan.tiering
  const lines = [
    `autonomy: ${plan.enabled ? 'on' : 'off'}${plan.allowedNow ? '' : ' (outside the allowed hours)'}`,
    `tiers: hot ${tiers.hot.keys} keys (${formatBytes(tiers.hot.bytes)}), warm ${tiers.warm.keys} (${formatBytes(tiers.warm.bytes)}), cold ${tiers.cold.keys} (${formatBytes(tiers.cold.bytes)}), archived ${tiers.archived.keys} (${formatBytes(tiers.archived.bytes)} in ${formatBytes(tiers.archived.compressedBytes)})`,
    `tiering would move ${plan.tiering.keysToMove} values (${formatBytes(plan.tiering.candidateBytes)})`,
  ]
  for (const [type, totals] of Object.entries(plan.tiering.coldByType)) lines.push(`  cold ${type}: ${totals.keys} keys, ${formatBytes(totals.bytes)}`)
  for (const note of [...plan.tiering.notes, ...plan.cartridges.notes]) lines.push(`note: ${note}`)
  for (const proposal of plan.cartridges.proposals) lines.push(`would build a field index on ${proposal.keyspace}:${proposal.prefix || '(all)'} [${proposal.fields.join(', ')}]: ${proposal.reason}`)
  if (plan.cartridges.proposals.length === 0) lines.push('no cartridge to build')
  return lines
}

const statusCommand: CommandDefinition = {
  path: ['autonomy', 'status'],
  summary: 'Show usage statistics, autonomous actions and regression alerts.',
  description: 'Lists the busiest prefixes and query shapes (decayed counts, latency and model cost EWMAs), every recorded action with its reason and numbers, and the alerts. With --json prints the whole status object.',
  positionals: [],
  options: [],
  examples: ['livingdb autonomy status', 'livingdb autonomy status --json'],
  async run(context) {
    await withAutonomy(context, false, async (autonomy) => {
      const status = autonomy.status()
      if (context.json) return context.output.json(status)
      context.output.line(`policy: ${status.policy.enabled ? 'on' : 'off'}, every ${round(status.policy.everyMs / 60_000)} min, statistics since ${new Date(status.statistics.since).toISOString()}`)
      context.output.line('prefixes (decayed reads/writes/scans):')
      for (const usage of status.statistics.prefixes.slice(0, 10)) context.output.line(`  ${usage.keyspace}:${usage.prefix || '(no prefix)'}  reads ${round(usage.reads)}  writes ${round(usage.writes)}  scans ${round(usage.scans)}`)
      context.output.line('query shapes:')
      for (const usage of status.statistics.shapes.slice(0, 10)) context.output.line(`  ${round(usage.count)}x ${usage.id}  ${round(usage.latencyMs.mean)} ms  ${round(usage.modelCost.mean)} tokens  ${round(usage.candidates.mean)} records`)
      context.output.line(`actions (${status.actions.length}):`)
      for (const action of status.actions) context.output.line(`  ${describeAction(action)}`)
      context.output.line(`alerts (${status.alerts.length}):`)
      for (const alert of status.alerts.slice(0, 20)) context.output.line(`  ${new Date(alert.at).toISOString()} ${alert.message}`)
      if (status.cartridges.length > 0) context.output.line(`cartridges built by autonomy: ${status.cartridges.join(', ')}`)
    })
  },
}

const planCommand: CommandDefinition = {
  path: ['autonomy', 'plan'],
  summary: 'Show what an autonomy run would do now, and why (changes nothing).',
  positionals: [],
  options: [],
  examples: ['livingdb autonomy plan', 'livingdb autonomy plan --json'],
  async run(context) {
    await withAutonomy(context, false, async (autonomy) => {
      const plan = autonomy.plan()
      if (context.json) context.output.json(plan)
      else for (const line of planLines(plan)) context.output.line(line)
    })
  },
}

function reportLines(report: AutonomyRunReport): string[] {
  return [...planLines(report.plan), ...report.skipped.map((reason) => `skipped: ${reason}`), ...report.actions.map((action) => `did: ${describeAction(action)}`), ...(report.actions.length === 0 ? ['no action taken'] : [])]
}

const runCommand: CommandDefinition = {
  path: ['autonomy', 'run'],
  summary: 'Run the autonomy job once: tier cold data, build indexes the queries call for.',
  description: 'Every action is a commit with origin `autonomy`, recorded with its reason and numbers; undo it with `livingdb autonomy undo <action-id>`. --dry-run only plans.',
  positionals: [],
  options: [{ name: 'dry-run', type: 'boolean', description: 'Show what would be done without changing anything.' }],
  examples: ['livingdb autonomy run --dry-run', 'livingdb autonomy run --json'],
  async run(context) {
    await withAutonomy(context, true, async (autonomy) => {
      const report = await autonomy.run({ dryRun: flagOption(context, 'dry-run') })
      if (context.json) context.output.json(report)
      else for (const line of reportLines(report)) context.output.line(line)
    })
  },
}

const undoCommand: CommandDefinition = {
  path: ['autonomy', 'undo'],
  summary: 'Undo one autonomous action (put tiered values back, drop a built index).',
  positionals: [{ name: 'action-id', description: 'The action (see `livingdb autonomy status`).', required: true }],
  options: [],
  examples: ['livingdb autonomy undo t1kz3x9a0b'],
  async run(context) {
    await withAutonomy(context, true, async (autonomy) => {
      const action = await autonomy.undo(context.positionals[0]!)
      if (context.json) context.output.json(action)
      else context.output.line(`undone: ${describeAction(action)}`)
    })
  },
}

/** `livingdb autonomy status|plan|run|undo`. */
export const AUTONOMY_COMMANDS: readonly CommandDefinition[] = [statusCommand, planCommand, runCommand, undoCommand]
