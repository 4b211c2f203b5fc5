import { budgetReport, createDefaultGuards, openFileStores, runModelCheck, type BudgetReportRow, type ModelCheckResult } from '../../llm/index.js'
import { stringOption, type CommandDefinition } from '../command.js'
import { auditLogPath, budgetCountersPath, llmDirectory, openCounterStore, withExistingStore } from '../llm-stores.js'

const llmTestCommand: CommandDefinition = {
  path: ['llm', 'test'],
  summary: 'Make one structured model call and print the result, tokens, cost and latency.',
  description: [
    'Asks the model to list the entities of a fixed sentence as validated JSON. Without --model the',
    'configured default is used ($LIVINGDB_MODEL, else the offline provider: no key, no network).',
    'The call goes through the default guards (redaction, audit, budget, rate limit; the response',
    'cache is off so every test really calls the model) with their files in <db>/llm/, so it shows',
    'up in `livingdb audit tail` and `livingdb llm budget`. Provider keys come from the usual',
    'variables (OPENAI_API_KEY, ANTHROPIC_API_KEY...).',
  ].join('\n'),
  positionals: [],
  options: [
    { name: 'model', type: 'string', valueName: 'ID', description: 'A provider:model id (offline, openai:gpt-4.1-mini, anthropic:claude-haiku-4-5, ollama:llama3.2, openai-compatible:NAME).' },
    { name: 'base-url', type: 'string', valueName: 'URL', description: 'Base URL of an OpenAI-compatible or Ollama server.' },
  ],
  examples: ['livingdb llm test', 'livingdb llm test --model ollama:llama3.2 --base-url http://127.0.0.1:11434', 'livingdb llm test --model openai-compatible:qwen2.5 --base-url http://127.0.0.1:8000/v1 --json'],
  async run(context) {
    const model = stringOption(context, 'model')
    const baseUrl = stringOption(context, 'base-url')
    const stores = await openFileStores({ directory: llmDirectory(context.databasePath) })
    let check: ModelCheckResult
    try {
      check = await runModelCheck({
        ...(model === undefined ? {} : { model }),
        ...(baseUrl === undefined ? {} : { baseUrl }),
        settings: { env: context.io.env },
        guards: createDefaultGuards({ stores, ledger: false }),
      })
    } finally {
      await stores.close()
    }
    const auditLog = auditLogPath(context.databasePath)
    if (context.json) {
      context.output.json({ ...check, auditLog })
      return
    }
    const { output } = context
    output.line(`model:    ${check.modelId}`)
    output.line(`result:   ${check.object.entities.map(entity => `${entity.name} (${entity.type})`).join(', ')}`)
    output.line(`tokens:   ${check.usage.inputTokens} in, ${check.usage.outputTokens} out`)
    output.line(`cost:     ${check.costUsd === undefined ? 'unknown (no price for this model in the pricing table)' : formatUsd(check.costUsd)}`)
    output.line(`latency:  ${Math.round(check.latencyMs)} ms`)
    output.line(`attempts: ${check.attempts}${check.attempts > 1 ? ' (the first replies failed validation and were repaired)' : ''}`)
    output.line(`audited:  ${auditLog}`)
  },
}

const llmBudgetCommand: CommandDefinition = {
  path: ['llm', 'budget'],
  summary: 'Show model spend (tokens and money) per scope and period.',
  description: [
    'Reads the budget counters in <db>/llm/counters.jsonl: one row per scope (cli, plugin:NAME,',
    'tenant...) and period window (minute, hour, day, month), newest window first. --current shows',
    'only the windows that contain now. With --json prints {"counters", "rows": [{scope, period,',
    'windowStart, tokens, costUsd}]}.',
  ].join('\n'),
  positionals: [],
  options: [{ name: 'current', type: 'boolean', description: 'Only the current minute, hour, day and month windows.' }],
  examples: ['livingdb llm budget', 'livingdb llm budget --current --json --db ./data'],
  async run(context) {
    const counters = budgetCountersPath(context.databasePath)
    const current = context.options.current === true
    const rows = (await withExistingStore({ path: counters, open: openCounterStore, use: store => budgetReport(store, { currentOnly: current }) })) ?? []
    if (context.json) {
      context.output.json({ counters, rows })
      return
    }
    if (rows.length === 0) {
      context.output.line(`no model spend recorded in ${counters}${current ? ' for the current windows' : ''}`)
      return
    }
    for (const line of budgetTable(rows)) context.output.line(line)
  },
}

function budgetTable(rows: readonly BudgetReportRow[]): string[] {
  const table = [['scope', 'period', 'window', 'tokens', 'cost'], ...rows.map(row => [
    row.scope,
    row.period,
    row.windowStart,
    `${row.tokens.toLocaleString('en-US')}${row.maxTokens === undefined ? '' : ` / ${row.maxTokens.toLocaleString('en-US')}`}`,
    `${formatUsd(row.costUsd)}${row.maxCostUsd === undefined ? '' : ` / ${formatUsd(row.maxCostUsd)}`}`,
  ])]
  const widths = table[0]!.map((_, column) => Math.max(...table.map(row => row[column]!.length)))
  return table.map(row => row.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
}

function formatUsd(amount: number): string {
  return `$${amount < 0.01 && amount > 0 ? amount.toFixed(6) : amount.toFixed(2)}`
}

/** `livingdb llm test|budget`. */
export const LLM_COMMANDS: readonly CommandDefinition[] = [llmTestCommand, llmBudgetCommand]
