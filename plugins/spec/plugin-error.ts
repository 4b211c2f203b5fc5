import { LivingDbError, type ErrorCode, type LivingDbErrorOptions } from '../../errors/index.js'
import type { PluginHookName } from './plugin-hooks.js'

/** Options of {@link PluginError}: which plugin and hook failed. */
export interface PluginErrorOptions extends LivingDbErrorOptions {
  readonly plugin: string
  readonly hook?: PluginHookName
}

/**
 * An error raised by or about a plugin. Like Rollup's `logPluginError`, it names the
 * plugin and the hook (also in `details.plugin` / `details.hook`), so a failure in a
 * worker is traceable once it reaches the app.
 */
export class PluginError extends LivingDbError {
  readonly plugin: string
  readonly hook: PluginHookName | undefined

  constructor(code: ErrorCode, message: string, options: PluginErrorOptions) {
    const where = options.hook === undefined ? `plugin "${options.plugin}"` : `plugin "${options.plugin}" (${options.hook})`
    super(code, `${where}: ${message}`, {
      cause: options.cause,
      details: { ...options.details, plugin: options.plugin, ...(options.hook === undefined ? {} : { hook: options.hook }) },
    })
    this.name = 'PluginError'
    this.plugin = options.plugin
    this.hook = options.hook
  }
}
