import { type CartridgeV1, defineCartridge } from '../spec/index.js'
import { applyEntityEvents, CachedKeyspace, EntityResolver, type EntityInput, entityQueries, entityStats, listEntityFacts, type ResolutionOptions, resolutionFingerprint, resolveEntityInput, resolveResolutionOptions } from '../entities/index.js'
import { EdgeWriter } from './edge-writer.js'
import { GraphReader, RELATIONSHIP_ENTITY_PREFIX } from './graph-reader.js'
import { graphQueries } from './graph-queries.js'
import { resolveFunctionalPredicates } from './predicate-rules.js'

/** Options of {@link createRelationshipsCartridge}. */
export interface RelationshipsCartridgeOptions {
  /** Cartridge name (default `relationships`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** Where extractions come from (default: the entity-extractor plugin's keyspace). Use the entities cartridge's input. */
  readonly input?: EntityInput
  readonly directives?: { readonly keyspace?: string; readonly prefix?: string }
  /** Use the entities cartridge's options so entity ids agree. */
  readonly resolution?: ResolutionOptions
  /** Predicates with one object per subject at a time (default {@link DEFAULT_FUNCTIONAL_PREDICATES}). */
  readonly functionalPredicates?: readonly string[]
}

/** The version recorded in provenance (`relationships@<version>`) when the cartridge derives facts itself. */
export const RELATIONSHIPS_CARTRIDGE_VERSION = '1.0.0'

/**
 * The relationships cartridge: a graph of typed edges between entities, each with
 * provenance and a validity interval (`validFrom`/`validTo` in txn ids, plus wall-clock
 * times). A new object for a functional predicate closes the old edge instead of
 * deleting it; a source that stops stating an edge closes it too. It resolves entities
 * with the same resolver, input and options as the entities cartridge (kept in its own
 * keyspace under `ent/`), so entity ids agree. Queries: `neighbours`, `traverse`
 * (k hops), `shortestPath` (BFS), `history`, all as of a txn, and `lookup`.
 *
 * @example
 * const graph = await openCartridge({ db, cartridge: createRelationshipsCartridge() })
 * graph.query('shortestPath', { from: 'person:dana whitfield', to: 'organization:acme corp' })
 */
export function createRelationshipsCartridge(options: RelationshipsCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'relationships'
  const keyspace = options.keyspace ?? name
  const resolution = resolveResolutionOptions(options.resolution)
  const functional = resolveFunctionalPredicates(options.functionalPredicates)
  const input = resolveEntityInput(options.input, options.directives, `cartridge:${name}`)
  const functionalSet = new Set(functional)
  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: RELATIONSHIPS_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId: input.modelId,
    fingerprint: { input: input.fingerprint, resolution: resolutionFingerprint(resolution), functional: [...functional] },
    ...(options.input?.kind === 'inline' || options.resolution?.confirm !== undefined
      ? {}
      : { recipe: { kind: 'relationships', options: { name, keyspace, input: { kind: 'extractor', keyspace: input.sources[0]!.keyspace }, directives: { ...input.sources[1]! }, resolution: { fuzzyThreshold: resolution.fuzzyThreshold, minFuzzyLength: resolution.minFuzzyLength }, functionalPredicates: [...functional] } } }),
    keyspaces: [keyspace],
    sources: input.sources,
    async apply({ commits, transaction, plugin }) {
      const space = new CachedKeyspace(transaction.keyspace(keyspace), [`${RELATIONSHIP_ENTITY_PREFIX}e/`, `${RELATIONSHIP_ENTITY_PREFIX}n/`, 'r/q/', 'r/c/'])
      const resolver = new EntityResolver(space, RELATIONSHIP_ENTITY_PREFIX, resolution)
      const edges = new EdgeWriter(space, resolver, functionalSet)
      await applyEntityEvents({
        events: input.events({ commits, plugin }),
        resolver,
        space,
        prefix: RELATIONSHIP_ENTITY_PREFIX,
        onRetract: (source, at) => edges.retractSource(source, at),
        onRecord: (event, resolved) => {
          const asserted = []
          for (const relationship of event.record.relationships) {
            const subject = resolved[relationship.subject]
            const object = resolved[relationship.object]
            if (subject === undefined || object === undefined) continue
            asserted.push({
              subject: { type: subject.type, norm: subject.norm, name: event.record.entities[relationship.subject]!.name },
              predicate: relationship.predicate,
              object: { type: object.type, norm: object.norm, name: event.record.entities[relationship.object]!.name },
              confidence: relationship.confidence,
            })
          }
          edges.setSourceEdges({ source: event.source, edges: asserted, provenance: event.provenance, timestamp: event.record.source.timestamp })
        },
      })
      space.flush()
    },
    queries: [...graphQueries(keyspace), entityQueries({ keyspace, prefix: RELATIONSHIP_ENTITY_PREFIX, fuzzyThreshold: resolution.fuzzyThreshold, minFuzzyLength: resolution.minFuzzyLength })[0]!],
    stats({ reader }) {
      let edges = 0
      let open = 0
      for (const { edge } of new GraphReader(reader.keyspace(keyspace)).edges()) {
        edges++
        if (edge.validTo === null) open++
      }
      return { edges, openEdges: open, closedEdges: edges - open, ...entityStats(reader.keyspace(keyspace), RELATIONSHIP_ENTITY_PREFIX) }
    },
    *listFacts({ reader }) {
      for (const { key, edge } of new GraphReader(reader.keyspace(keyspace)).edges()) yield { keyspace, key, provenance: edge.provenance }
      yield* listEntityFacts({ space: reader.keyspace(keyspace), keyspace, prefix: RELATIONSHIP_ENTITY_PREFIX })
    },
  })
}
