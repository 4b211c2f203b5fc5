import { LivingDbError } from '../../errors/index.js'

/**
 * The model's reply did not match the requested schema after every repair attempt
 * (code `MODEL_OUTPUT_INVALID`). Carries each raw reply and the last validation
 * problems so nothing the model said is silently dropped.
 */
export class ModelOutputError extends LivingDbError {
  /** Every raw reply, first attempt first. */
  readonly rawReplies: readonly string[]
  /** The validation problems of the last reply, one per line. */
  readonly issues: string

  constructor(args: { readonly modelId: string; readonly rawReplies: readonly string[]; readonly issues: string }) {
    super(
      'MODEL_OUTPUT_INVALID',
      `The ${args.modelId} reply did not match the schema after ${args.rawReplies.length} attempt(s): ${args.issues.split('\n')[0] ?? ''}. ` +
        'Simplify the schema, raise maxRepairs, or use a stronger model; the raw replies are in details.rawReplies.',
      { details: { modelId: args.modelId, attempts: args.rawReplies.length, rawReplies: [...args.rawReplies], issues: args.issues } },
    )
    this.name = 'ModelOutputError'
    this.rawReplies = args.rawReplies
    this.issues = args.issues
  }
}
