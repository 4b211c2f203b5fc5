export type { JsonValue } from './json-value.js'
export type { PluginCommit, PluginCommitOperation } from './plugin-commit.js'
export type { PluginWriteOperation } from './plugin-write-operation.js'
export type { PluginModelPermission, PluginPermissions, PluginReadGrant } from './plugin-permissions.js'
export type { PluginLogger, PluginLogLevel } from './plugin-logger.js'
export type { PluginReadEntry, PluginReader, PluginReadGetArgs, PluginReadScanArgs } from './plugin-reader.js'
export type { PluginCallProvenance, PluginGenerateObjectArgs, PluginGenerateTextArgs, PluginModelClient, PluginModelMessage, PluginModelUsage } from './plugin-model-client.js'
export type { PluginHookContext } from './plugin-hook-context.js'
export {
  PLUGIN_HOOK_KINDS,
  type ObjectHook,
  type OnCommitArgs,
  type OnCommitOptions,
  type OnQueryArgs,
  type OnQueryOptions,
  type OnQueryResult,
  type OnScheduleArgs,
  type OnScheduleOptions,
  type ParallelPluginHooks,
  type PluginHookHandlers,
  type PluginHookName,
  type PluginHooks,
  type PluginQueryCandidate,
  type PluginWriteResult,
  type SequentialPluginHooks,
} from './plugin-hooks.js'
export type { PluginDefinition } from './plugin-definition.js'
export { PluginError, type PluginErrorOptions } from './plugin-error.js'
export { RESERVED_KEYSPACES, pluginDefinitionSchema, pluginPermissionsSchema, semverSchema } from './plugin-definition-schema.js'
export { definePlugin, isPluginDefinition } from './define-plugin.js'
