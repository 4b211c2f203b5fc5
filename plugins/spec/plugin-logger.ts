import type { JsonValue } from './json-value.js'

/**
 * The logger handed to every hook. Records are sent to the host, tagged with the plugin
 * name, and shown in `host.status()` (errors) and the host's `onLog` callback.
 */
export interface PluginLogger {
  debug(message: string, fields?: Readonly<Record<string, JsonValue>>): void
  info(message: string, fields?: Readonly<Record<string, JsonValue>>): void
  warn(message: string, fields?: Readonly<Record<string, JsonValue>>): void
  error(message: string, fields?: Readonly<Record<string, JsonValue>>): void
}

/** The severity of a plugin log record. */
export type PluginLogLevel = 'debug' | 'info' | 'warn' | 'error'
