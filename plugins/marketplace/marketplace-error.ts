import { LivingDbError, type ErrorCode, type LivingDbErrorOptions } from '../../errors/index.js'

/** The codes the marketplace raises (all start with `MARKETPLACE_`). */
export type MarketplaceErrorCode = Extract<ErrorCode, `MARKETPLACE_${string}`>

/**
 * An error of the plugin marketplace: a package, registry, signature, trust, resolution
 * or consent problem. Every refusal happens before anything is installed.
 *
 * @example
 * try { await installPlugins(args) } catch (error) {
 *   if (LivingDbError.isInstance(error) && error.code === 'MARKETPLACE_PUBLISHER_UNTRUSTED') console.error(error.message)
 * }
 */
export class MarketplaceError extends LivingDbError {
  constructor(code: MarketplaceErrorCode, message: string, options?: LivingDbErrorOptions) {
    super(code, message, options)
    this.name = 'MarketplaceError'
  }
}
