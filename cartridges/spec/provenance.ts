import { z } from 'zod'

/**
 * Where a derived fact came from. Every fact a cartridge stores carries one, so any
 * answer can be traced to the commit and the model call that produced it.
 */
export interface Provenance {
  /** Keyspace of the source record (`default` for app records). */
  readonly sourceKeyspace: string
  /** Key of the source record. */
  readonly sourceKey: string
  /** The commit that wrote (or deleted) the source record. */
  readonly txnId: number
  /** Who derived the fact: `<plugin-or-cartridge name>@<semver>`, e.g. `topics@1.0.0`. */
  readonly plugin: string
  /** The llm ledger entry (request hash) of the model call that produced it; null when no model was called. */
  readonly ledgerEntryId: string | null
}

/** Validates a {@link Provenance} record (the conformance suite checks every fact with it). */
export const provenanceSchema = z
  .object({
    sourceKeyspace: z.string().min(1),
    sourceKey: z.string().min(1),
    txnId: z.number().int().positive(),
    plugin: z.string().regex(/^[a-z][a-z0-9_.-]*@\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'plugin must be "<name>@<semver>"'),
    ledgerEntryId: z.string().min(1).nullable(),
  })
  .strict()
