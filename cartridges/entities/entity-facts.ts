import type { CartridgeFact, CartridgeKeyspaceReader, Provenance } from '../spec/index.js'
import { eventKeys } from './apply-entity-events.js'
import { entityKeys } from './entity-keys.js'

/**
 * Every fact the entity resolver keeps under `prefix`, with its provenance: entities,
 * names, mentions, merges, unmerge blocks, directives and rejected input records.
 */
export function* listEntityFacts(args: { readonly space: CartridgeKeyspaceReader; readonly keyspace: string; readonly prefix: string }): Generator<CartridgeFact> {
  const keys = entityKeys(args.prefix)
  const events = eventKeys(args.prefix)
  for (const prefix of [keys.entityPrefix, keys.namesPrefix, keys.mentionsPrefix, keys.mergesPrefix, keys.blocksPrefix, events.directivePrefix, events.rejectedPrefix]) {
    for (const entry of args.space.scan({ prefix })) {
      yield { keyspace: args.keyspace, key: String(entry.key), provenance: (entry.value as unknown as { provenance: Provenance }).provenance }
    }
  }
}

/** Counts of what the resolver keeps under `prefix`. */
export function entityStats(space: CartridgeKeyspaceReader, prefix: string): { readonly entities: number; readonly names: number; readonly mentions: number; readonly merges: number; readonly rejected: number } {
  const keys = entityKeys(prefix)
  const count = (range: string): number => {
    let total = 0
    for (const _entry of space.scan({ prefix: range })) total++
    return total
  }
  return { entities: count(keys.entityPrefix), names: count(keys.namesPrefix), mentions: count(keys.mentionsPrefix), merges: count(keys.mergesPrefix), rejected: count(eventKeys(prefix).rejectedPrefix) }
}
