import type { Provenance } from './provenance.js'

/** One derived fact a cartridge stores, with where it lives and its provenance. */
export interface CartridgeFact {
  readonly keyspace: string
  /** The key (in the cartridge's keyspace) holding the fact. */
  readonly key: string
  readonly provenance: Provenance
}
