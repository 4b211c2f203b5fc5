/** The relationships cartridge: typed edges with validity intervals, neighbours, k-hop traversal, shortest paths. */
export { createRelationshipsCartridge, RELATIONSHIPS_CARTRIDGE_VERSION, type RelationshipsCartridgeOptions } from './create-relationships-cartridge.js'
export { DEFAULT_FUNCTIONAL_PREDICATES, normalizePredicate, resolveFunctionalPredicates } from './predicate-rules.js'
export { edgeKeys, endComponent, validAt, type EdgeClosure, type EdgeEnd, type EdgeRecord, type OpenObjectsRecord, type SourceEdgesRecord } from './edge-record.js'
export { EdgeWriter, type AssertedEdge } from './edge-writer.js'
export { GraphReader, RELATIONSHIP_ENTITY_PREFIX, type Neighbour } from './graph-reader.js'
export { graphQueries } from './graph-queries.js'
