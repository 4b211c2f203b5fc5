import { LivingDbError, type LivingDbErrorOptions } from '../../errors/index.js'

/**
 * A model id, base URL, key or provider option is malformed or missing
 * (code `MODEL_CONFIG_INVALID`). The message always says what to set.
 */
export class ModelConfigError extends LivingDbError {
  constructor(message: string, options?: LivingDbErrorOptions) {
    super('MODEL_CONFIG_INVALID', message, options)
    this.name = 'ModelConfigError'
  }
}
