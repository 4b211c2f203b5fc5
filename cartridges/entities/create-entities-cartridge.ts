import { type CartridgeV1, defineCartridge } from '../spec/index.js'
import { applyEntityEvents } from './apply-entity-events.js'
import { CachedKeyspace } from './cached-keyspace.js'
import { type EntityInput, resolveEntityInput } from './entity-input.js'
import { entityStats, listEntityFacts } from './entity-facts.js'
import { entityQueries } from './entity-queries.js'
import { EntityResolver } from './entity-resolver.js'
import { type ResolutionOptions, resolutionFingerprint, resolveResolutionOptions } from './resolution-options.js'

/** Options of {@link createEntitiesCartridge}. */
export interface EntitiesCartridgeOptions {
  /** Cartridge name (default `entities`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** Where extractions come from (default: the entity-extractor plugin's keyspace). */
  readonly input?: EntityInput
  /** Where merge/unmerge directives are read (default keyspace `default`, prefix `entity-directives/`). */
  readonly directives?: { readonly keyspace?: string; readonly prefix?: string }
  readonly resolution?: ResolutionOptions
}

/** The version recorded in provenance (`entities@<version>`) when the cartridge derives facts itself. */
export const ENTITIES_CARTRIDGE_VERSION = '1.0.0'

/**
 * The entities cartridge: canonical entities with types, aliases, mentions (source key
 * and txn id) and confidence, resolved from extractions by normalised exact match, then
 * variants (legal form, initials), then fuzzy match (trigrams + Jaro–Winkler), then an
 * optional model confirmation. Merges are recorded and reversible with
 * `writeEntityDirective`. Queries: `lookup`, `get`, `listByType`, `mentions`.
 *
 * @example
 * const entities = await openCartridge({ db, cartridge: createEntitiesCartridge() })  // fed by the entity-extractor plugin
 * entities.query('lookup', { name: 'NYC' })
 */
export function createEntitiesCartridge(options: EntitiesCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'entities'
  const keyspace = options.keyspace ?? name
  const resolution = resolveResolutionOptions(options.resolution)
  const input = resolveEntityInput(options.input, options.directives, `cartridge:${name}`)
  const prefix = ''
  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: ENTITIES_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId: input.modelId,
    fingerprint: { input: input.fingerprint, resolution: resolutionFingerprint(resolution) },
    ...(options.input?.kind === 'inline' || options.resolution?.confirm !== undefined ? {} : { recipe: { kind: 'entities', options: { name, keyspace, input: { kind: 'extractor', keyspace: input.sources[0]!.keyspace }, directives: { ...input.sources[1]! }, resolution: { fuzzyThreshold: resolution.fuzzyThreshold, minFuzzyLength: resolution.minFuzzyLength } } } }),
    keyspaces: [keyspace],
    sources: input.sources,
    async apply({ commits, transaction, plugin }) {
      const space = new CachedKeyspace(transaction.keyspace(keyspace), [`${prefix}e/`, `${prefix}n/`])
      const resolver = new EntityResolver(space, prefix, resolution)
      await applyEntityEvents({ events: input.events({ commits, plugin }), resolver, space, prefix })
      space.flush()
    },
    queries: entityQueries({ keyspace, prefix, fuzzyThreshold: resolution.fuzzyThreshold, minFuzzyLength: resolution.minFuzzyLength }),
    stats: ({ reader }) => entityStats(reader.keyspace(keyspace), prefix),
    listFacts: ({ reader }) => listEntityFacts({ space: reader.keyspace(keyspace), keyspace, prefix }),
  })
}
