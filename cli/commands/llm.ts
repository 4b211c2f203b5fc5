import { LivingDbError } from '../../errors/index.js'
import type { CommandDefinition } from '../command.js'

const llmTestCommand: CommandDefinition = {
  path: ['llm', 'test'],
  summary: 'Make one structured model call and print the result, tokens, cost and latency.',
  description: 'Without --model the configured default is used ($LIVINGDB_MODEL, else the offline provider: no key, no network).',
  positionals: [],
  options: [
    { name: 'model', type: 'string', valueName: 'ID', description: 'A provider:model id (openai:gpt-4.1-mini, anthropic:claude-haiku-4-5, ollama:llama3.2, offline).' },
    { name: 'base-url', type: 'string', valueName: 'URL', description: 'Base URL of an OpenAI-compatible or Ollama server.' },
  ],
  examples: ['livingdb llm test', 'livingdb llm test --model ollama:llama3.2 --base-url http://127.0.0.1:11434 --json'],
  async run() {
    throw new LivingDbError('NOT_IMPLEMENTED', 'livingdb llm test is not wired yet: llm/index.ts does not export runModelCheck in this build.')
  },
}

const llmBudgetCommand: CommandDefinition = {
  path: ['llm', 'budget'],
  summary: 'Show model spend (tokens and money) per scope and period.',
  description: 'Reads the budget counters in <db>/llm/counters.jsonl.',
  positionals: [],
  options: [],
  examples: ['livingdb llm budget', 'livingdb llm budget --db ./data --json'],
  async run() {
    throw new LivingDbError('NOT_IMPLEMENTED', 'livingdb llm budget is not wired yet: llm/guards does not export budgetReport in this build.')
  },
}

/** `livingdb llm test|budget`. */
export const LLM_COMMANDS: readonly CommandDefinition[] = [llmTestCommand, llmBudgetCommand]
