import type { JsonValue } from './json-value.js'

/**
 * A write a plugin asks for. Plugins never write directly: a hook RETURNS its writes and
 * the host checks them against the plugin's `permissions.write` (a write to any other
 * keyspace fails the whole batch with `PLUGIN_PERMISSION_DENIED`), then applies them
 * and advances the plugin's cursor in one transaction with origin `plugin:<name>`.
 */
export type PluginWriteOperation =
  | { readonly type: 'put'; readonly keyspace: string; readonly key: string; readonly value: JsonValue }
  | { readonly type: 'delete'; readonly keyspace: string; readonly key: string }
