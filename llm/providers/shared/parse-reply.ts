import type { z } from 'zod'
import { malformedReply, type ModelIdentity } from './map-provider-error.js'

/**
 * Validates a provider's 2xx body against the documented shape; a mismatch is a
 * non-retryable MODEL_CALL_FAILED naming each bad field, never a TypeError later.
 */
export function parseReply<T>(args: { readonly schema: z.ZodType<T>; readonly raw: unknown; readonly identity: ModelIdentity; readonly expected: string }): T {
  const parsed = args.schema.safeParse(args.raw)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map(issue => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
  throw malformedReply({ identity: args.identity, problem: `not ${args.expected} (${problems})`, cause: parsed.error })
}
