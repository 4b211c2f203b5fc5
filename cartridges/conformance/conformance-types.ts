import type { Cartridge, CartridgeJson } from '../spec/index.js'

/** One app commit the generator asks the suite to write. */
export interface GeneratedCommit {
  readonly ops: readonly {
    readonly type: 'put' | 'delete'
    readonly key: string
    readonly value?: CartridgeJson
    /** Default `default`. */
    readonly keyspace?: string
  }[]
}

/** A cartridge under test, with how many model tokens it has spent so far (omit when it calls no model). */
export interface ConformanceSubject {
  readonly cartridge: Cartridge
  /** Tokens spent by the cartridge's model calls so far (count them with a middleware). */
  readonly tokensUsed?: () => number
  /** Whether the model ledger holds an entry (a fact's `ledgerEntryId` must point at a real entry). */
  readonly ledgerEntryExists?: (id: string) => boolean | Promise<boolean>
}

/** Arguments of `createCartridge`: the ledger mode the cartridge's model calls must use. */
export interface CreateConformanceCartridgeArgs {
  /** `read-write` for the first build, `replay` for rebuilds (which must then cost nothing). */
  readonly ledgerMode: 'read-write' | 'replay'
}

/** Arguments of {@link runCartridgeConformance}. */
export interface CartridgeConformanceArgs {
  /** Shown in the test names. */
  readonly name: string
  /**
   * A fresh cartridge (a model cartridge shares one ledger store across calls, so
   * replay mode finds what read-write mode recorded).
   */
  readonly createCartridge: (args: CreateConformanceCartridgeArgs) => Cartridge | ConformanceSubject
  /** Deterministic app commits for a seed (include updates and deletes of earlier keys). */
  readonly generateCommits: (args: { readonly seed: number; readonly count: number }) => readonly GeneratedCommit[]
  /** Query inputs to compare as of earlier commits, e.g. `[{ name: 'search', input: { query: 'oslo' } }]`. */
  readonly sampleQueries?: readonly { readonly name: string; readonly input: unknown }[]
  /**
   * The provenance `plugin` every fact must name (default `<cartridge name>@<version>`);
   * a cartridge fed by a plugin names the plugin, e.g. `entity-extractor@1.0.0`.
   */
  readonly producer?: string
  /** Every fact must name a model ledger entry (for cartridges whose every fact comes from a model call). */
  readonly factsNeedLedgerEntry?: boolean
  /** How many commits to generate (default 120). */
  readonly commitCount?: number
  /** Default: `LIVINGDB_TEST_SEED` or 20261124. */
  readonly seed?: number
}
