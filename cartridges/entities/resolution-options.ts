import { LivingDbError } from '../../errors/index.js'

/** What a {@link MergeConfirmation} is asked: may this new name join that entity? */
export interface MergeConfirmationArgs {
  readonly mention: { readonly name: string; readonly type: string }
  readonly candidate: { readonly entityId: string; readonly canonicalName: string; readonly names: readonly string[] }
  /** The Jaro–Winkler similarity that made it a candidate. */
  readonly score: number
}

/**
 * Optional model confirmation of fuzzy matches (off by default). It must be
 * deterministic for the same arguments (route the model through a ledger guard), or
 * rebuilds will differ. See `createModelConfirmation`.
 *
 * @example
 * const confirm: MergeConfirmation = async ({ mention, candidate }) => ({ same: mention.name[0] === candidate.canonicalName[0], ledgerEntryId: null })
 */
export type MergeConfirmation = (args: MergeConfirmationArgs) => Promise<{ readonly same: boolean; readonly ledgerEntryId: string | null }>

/** How mentions are resolved to entities. */
export interface ResolutionOptions {
  /** Jaro–Winkler similarity at or above which a new name joins an entity of the same type (default 0.92). */
  readonly fuzzyThreshold?: number
  /** Names shorter than this (normalised) are never fuzzy-matched (default 5: "Dan" is not "Dana"). */
  readonly minFuzzyLength?: number
  /** Asked before a fuzzy merge scoring below `confirmBelow`; off when absent. */
  readonly confirm?: MergeConfirmation
  /** Fuzzy matches at or above this skip the confirmation (default 0.97). */
  readonly confirmBelow?: number
}

/** The resolution options with defaults, checked. */
export function resolveResolutionOptions(options: ResolutionOptions | undefined): Required<Omit<ResolutionOptions, 'confirm'>> & Pick<ResolutionOptions, 'confirm'> {
  const resolved = { fuzzyThreshold: options?.fuzzyThreshold ?? 0.92, minFuzzyLength: options?.minFuzzyLength ?? 5, confirmBelow: options?.confirmBelow ?? 0.97, confirm: options?.confirm }
  if (!(resolved.fuzzyThreshold > 0 && resolved.fuzzyThreshold <= 1)) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Entity resolution fuzzyThreshold must be in (0, 1], got ${String(resolved.fuzzyThreshold)}. Use 1 to turn fuzzy matching off.`, { details: { option: 'fuzzyThreshold' } })
  }
  if (!Number.isSafeInteger(resolved.minFuzzyLength) || resolved.minFuzzyLength < 1) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Entity resolution minFuzzyLength must be an integer >= 1, got ${String(resolved.minFuzzyLength)}.`, { details: { option: 'minFuzzyLength' } })
  }
  return resolved
}

/** The part of the options that shapes stored bytes (for the cartridge fingerprint). */
export function resolutionFingerprint(options: ReturnType<typeof resolveResolutionOptions>): { readonly [key: string]: number | boolean } {
  return { fuzzyThreshold: options.fuzzyThreshold, minFuzzyLength: options.minFuzzyLength, confirm: options.confirm !== undefined, confirmBelow: options.confirmBelow }
}
