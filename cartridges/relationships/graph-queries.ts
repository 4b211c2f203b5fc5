import { z } from 'zod'
import { defineCartridgeQuery, provenanceSchema } from '../spec/index.js'
import { GraphReader, type Neighbour } from './graph-reader.js'

const direction = z.enum(['out', 'in', 'both']).default('both')
const asOfTxn = z.number().int().positive().optional().describe('Answer as of this txn id (edges valid then); default: edges valid now')

const edgeSchema = z.object({
  subject: z.string(),
  predicate: z.string(),
  object: z.string(),
  confidence: z.number(),
  validFrom: z.number().int(),
  validTo: z.number().int().nullable(),
  validFromTime: z.number().nullable(),
  validToTime: z.number().nullable(),
  closedBy: z.object({ reason: z.enum(['contradiction', 'retracted']), provenance: provenanceSchema.nullable() }).nullable(),
  provenance: provenanceSchema,
})

const neighbourSchema = z.object({ entityId: z.string().nullable(), name: z.string(), type: z.string(), direction: z.enum(['out', 'in']), edge: edgeSchema })

function toNeighbour(neighbour: Neighbour) {
  const { edge } = neighbour
  return {
    entityId: neighbour.entityId,
    name: neighbour.name,
    type: neighbour.direction === 'out' ? edge.object.type : edge.subject.type,
    direction: neighbour.direction,
    edge: { subject: edge.subject.name, predicate: edge.predicate, object: edge.object.name, confidence: edge.confidence, validFrom: edge.validFrom, validTo: edge.validTo, validFromTime: edge.validFromTime, validToTime: edge.validToTime, closedBy: edge.closedBy, provenance: edge.provenance },
  }
}

/** The next hops of `entityId`: distinct entities, each with the first edge reaching it (neighbours are sorted). */
function hops(graph: GraphReader, args: { readonly entityId: string; readonly direction: 'out' | 'in' | 'both'; readonly predicate?: string; readonly asOf?: number }): Neighbour[] {
  const seen = new Set<string>()
  const next: Neighbour[] = []
  for (const neighbour of graph.neighbours(args)) {
    if (neighbour.entityId === null || neighbour.entityId === args.entityId || seen.has(neighbour.entityId)) continue
    seen.add(neighbour.entityId)
    next.push(neighbour)
  }
  return next
}

/** The relationships cartridge's query operations over `keyspace`. */
export function graphQueries(keyspace: string) {
  const neighbours = defineCartridgeQuery({
    name: 'neighbours',
    description: 'Edges touching an entity (by entity id) valid as of a txn (default: now), optionally one predicate and direction, with the entity at the other end, validity interval and provenance.',
    input: z.object({ entityId: z.string().min(1), direction, predicate: z.string().optional(), asOfTxn, limit: z.number().int().min(1).max(10_000).default(100) }),
    output: z.array(neighbourSchema),
    run: ({ input, reader }) => new GraphReader(reader.keyspace(keyspace)).neighbours({ entityId: input.entityId, direction: input.direction, predicate: input.predicate, asOf: input.asOfTxn }).slice(0, input.limit).map(toNeighbour),
  })
  const history = defineCartridgeQuery({
    name: 'history',
    description: 'Every edge an entity ever had, closed ones included (contradicted or retracted), oldest first per neighbour: how a fact changed over time.',
    input: z.object({ entityId: z.string().min(1), direction, predicate: z.string().optional(), limit: z.number().int().min(1).max(10_000).default(100) }),
    output: z.array(neighbourSchema),
    run: ({ input, reader }) => new GraphReader(reader.keyspace(keyspace)).neighbours({ entityId: input.entityId, direction: input.direction, predicate: input.predicate, includeClosed: true }).slice(0, input.limit).map(toNeighbour),
  })
  const traverse = defineCartridgeQuery({
    name: 'traverse',
    description: 'Entities within k hops of an entity (breadth first), as of a txn, each with its depth and the edge that first reached it.',
    input: z.object({ entityId: z.string().min(1), depth: z.number().int().min(1).max(6).default(2), direction, predicate: z.string().optional(), asOfTxn, maxNodes: z.number().int().min(1).max(10_000).default(1000) }),
    output: z.array(z.object({ entityId: z.string(), canonicalName: z.string(), depth: z.number().int(), via: neighbourSchema.extend({ from: z.string() }) })),
    run: ({ input, reader }) => {
      const graph = new GraphReader(reader.keyspace(keyspace))
      if (graph.entity(input.entityId) === undefined) return []
      const visited = new Set([input.entityId])
      const found: { entityId: string; canonicalName: string; depth: number; via: ReturnType<typeof toNeighbour> & { from: string } }[] = []
      let frontier = [input.entityId]
      for (let depth = 1; depth <= input.depth && frontier.length > 0 && found.length < input.maxNodes; depth++) {
        const next: string[] = []
        for (const from of frontier) {
          for (const hop of hops(graph, { entityId: from, direction: input.direction, predicate: input.predicate, asOf: input.asOfTxn })) {
            if (visited.has(hop.entityId!) || found.length >= input.maxNodes) continue
            visited.add(hop.entityId!)
            next.push(hop.entityId!)
            found.push({ entityId: hop.entityId!, canonicalName: graph.entity(hop.entityId!)?.canonicalName ?? hop.name, depth, via: { ...toNeighbour(hop), from } })
          }
        }
        frontier = next
      }
      return found
    },
  })
  const shortestPath = defineCartridgeQuery({
    name: 'shortestPath',
    description: 'The shortest chain of edges between two entities (breadth first, at most maxDepth hops) as of a txn; null when none.',
    input: z.object({ from: z.string().min(1), to: z.string().min(1), maxDepth: z.number().int().min(1).max(8).default(6), direction, predicate: z.string().optional(), asOfTxn }),
    output: z.object({ entities: z.array(z.object({ entityId: z.string(), canonicalName: z.string() })), edges: z.array(neighbourSchema.extend({ from: z.string() })) }).nullable(),
    run: ({ input, reader }) => {
      const graph = new GraphReader(reader.keyspace(keyspace))
      const named = (entityId: string) => ({ entityId, canonicalName: graph.entity(entityId)?.canonicalName ?? entityId })
      if (graph.entity(input.from) === undefined || graph.entity(input.to) === undefined) return null
      if (input.from === input.to) return { entities: [named(input.from)], edges: [] }
      const parent = new Map<string, { from: string; hop: Neighbour }>()
      let frontier = [input.from]
      const visited = new Set([input.from])
      for (let depth = 1; depth <= input.maxDepth && frontier.length > 0; depth++) {
        const next: string[] = []
        for (const from of frontier) {
          for (const hop of hops(graph, { entityId: from, direction: input.direction, predicate: input.predicate, asOf: input.asOfTxn })) {
            if (visited.has(hop.entityId!)) continue
            visited.add(hop.entityId!)
            parent.set(hop.entityId!, { from, hop })
            if (hop.entityId === input.to) {
              const chain: { from: string; hop: Neighbour }[] = []
              for (let at = input.to; at !== input.from; at = parent.get(at)!.from) chain.unshift(parent.get(at)!)
              return { entities: [named(input.from), ...chain.map((step) => named(step.hop.entityId!))], edges: chain.map((step) => ({ ...toNeighbour(step.hop), from: step.from })) }
            }
            next.push(hop.entityId!)
          }
        }
        frontier = next
      }
      return null
    },
  })
  return [neighbours, traverse, shortestPath, history]
}
