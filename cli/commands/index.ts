import type { CommandDefinition } from '../command.js'
import { ASK_COMMANDS } from './ask.js'
import { AUTONOMY_COMMANDS } from './autonomy.js'
import { AUDIT_COMMANDS } from './audit.js'
import { CARTRIDGES_COMMANDS } from './cartridges.js'
import { DEMO_COMMANDS } from './demo.js'
import { EXPORT_COMMANDS } from './export.js'
import { IMPORT_COMMANDS } from './import.js'
import { KV_COMMANDS } from './kv.js'
import { LLM_COMMANDS } from './llm.js'
import { LOG_COMMANDS } from './log.js'
import { PLUGINS_COMMANDS } from './plugins.js'
import { PLUGINS_MARKETPLACE_COMMANDS } from './plugins-marketplace.js'
import { REGISTRY_COMMANDS } from './registry.js'
import { REPAIR_COMMANDS } from './repair.js'
import { SERVE_COMMANDS } from './serve.js'
import { STATS_COMMANDS } from './stats.js'
import { TOKENS_COMMANDS } from './tokens.js'
import { VERIFY_COMMANDS } from './verify.js'

/** Every built-in `livingdb` command, in the order `livingdb --help` lists them. */
export const ALL_COMMANDS: readonly CommandDefinition[] = [
  ...KV_COMMANDS,
  ...IMPORT_COMMANDS,
  ...EXPORT_COMMANDS,
  ...LOG_COMMANDS,
  ...VERIFY_COMMANDS,
  ...REPAIR_COMMANDS,
  ...STATS_COMMANDS,
  ...CARTRIDGES_COMMANDS,
  ...PLUGINS_COMMANDS,
  ...PLUGINS_MARKETPLACE_COMMANDS,
  ...REGISTRY_COMMANDS,
  ...LLM_COMMANDS,
  ...AUDIT_COMMANDS,
  ...ASK_COMMANDS,
  ...AUTONOMY_COMMANDS,
  ...SERVE_COMMANDS,
  ...TOKENS_COMMANDS,
  ...DEMO_COMMANDS,
]
