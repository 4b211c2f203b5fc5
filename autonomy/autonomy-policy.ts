import { z } from 'zod'
import { LivingDbError } from '../errors/index.js'

const hour = z.number().int().min(0).max(23)

/** The zod schema of {@link AutonomyPolicy}; every field has a conservative default. */
export const autonomyPolicySchema = z
  .object({
    /** Master switch (default on). */
    enabled: z.boolean().default(true),
    /** UTC hours in which jobs may act, `[from, to)`; from > to wraps midnight (default all day). */
    allowedHours: z.object({ from: hour, to: hour }).strict().default({ from: 0, to: 0 }),
    /** Reads and writes lose half their weight in the statistics after this long (default one hour). */
    halfLifeMs: z.number().int().min(1).default(3_600_000),
    /** How often the scheduled job runs (default 10 minutes). */
    everyMs: z.number().int().min(10).default(600_000),
    tiering: z
      .object({
        enabled: z.boolean().default(true),
        /** Keys whose decayed access count is at most this are cold (default 0.5). */
        coldHeat: z.number().min(0).default(0.5),
        /** Keys with at least this decayed access count are hot (default 4). */
        hotHeat: z.number().min(0).default(4),
        /** Statistics must have watched this long before anything counts as cold (default 24 h). */
        minObservedMs: z.number().int().min(0).default(86_400_000),
        /** Values smaller than this (JSON bytes) stay in the tree (default 256). */
        minValueBytes: z.number().int().min(0).default(256),
        /** A run moves nothing unless at least this many bytes are cold (default 64 KiB). */
        minRunBytes: z.number().int().min(0).default(65_536),
        /** At most this many value bytes and keys moved per run (default 64 MiB, 100,000). */
        maxBytesPerRun: z.number().int().min(1).default(67_108_864),
        maxKeysPerRun: z.number().int().min(1).default(100_000),
        /** Values per archive segment (one transaction each; default 512). */
        segmentKeys: z.number().int().min(1).max(10_000).default(512),
        /** The keyspaces whose cold values may move (default the app's `default` keyspace only). */
        keyspaces: z.array(z.string().min(1)).default(['default']),
        /** Move a cold value back into the tree when it is read (default true). */
        promoteOnRead: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    cartridges: z
      .object({
        enabled: z.boolean().default(true),
        /** Decayed runs of one filtered-scan shape before an index is built (default 5). */
        minQueries: z.number().min(1).default(5),
        /** Records the shape must read per run on average (default 200). */
        minCandidates: z.number().min(0).default(200),
        /** Keep the index only if records read drop to at most this share, or latency to at most `maxLatencyRatio` (defaults 0.5, 0.9). */
        maxCandidateRatio: z.number().min(0).max(1).default(0.5),
        maxLatencyRatio: z.number().min(0).max(1).default(0.9),
      })
      .strict()
      .prefault({}),
    regressions: z.object({ enabled: z.boolean().default(true), maxAlerts: z.number().int().min(1).default(200) }).strict().prefault({}),
  })
  .strict()

/** What autonomy may do and when. Stored in `sys` under `autonomy/policy`. */
export type AutonomyPolicy = z.infer<typeof autonomyPolicySchema>

/** A partial policy as users write it (missing fields take the defaults). */
export type AutonomyPolicyInput = z.input<typeof autonomyPolicySchema>

/** Parses a policy; `AUTONOMY_POLICY_INVALID` names the bad field. */
export function parseAutonomyPolicy(input: unknown = {}): AutonomyPolicy {
  const parsed = autonomyPolicySchema.safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LivingDbError('AUTONOMY_POLICY_INVALID', `Autonomy policy field ${issue?.path.join('.') || '(root)'} is invalid: ${issue?.message}. Fix it or remove it to take the default (see docs/autonomy.md).`, { details: { path: issue?.path.join('.') ?? '' } })
  }
  return parsed.data
}

/** True when `time` falls in the policy's allowed UTC hours. */
export function withinAllowedHours(policy: AutonomyPolicy, time: number): boolean {
  const { from, to } = policy.allowedHours
  if (from === to) return true
  const current = new Date(time).getUTCHours()
  return from < to ? current >= from && current < to : current >= from || current < to
}
