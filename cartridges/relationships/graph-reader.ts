import type { CartridgeKeyspaceReader } from '../spec/index.js'
import { entityKeys, type EntityRecord, nameKey, type NameRecord } from '../entities/index.js'
import { type EdgeRecord, edgeKeys, validAt } from './edge-record.js'

/** The prefix of the relationships cartridge's own entity resolver. */
export const RELATIONSHIP_ENTITY_PREFIX = 'ent/'

/** One edge seen from an entity: the entity at the other end and the edge. */
export interface Neighbour {
  /** The entity at the other end; null when that name no longer resolves (history only). */
  readonly entityId: string | null
  readonly name: string
  readonly direction: 'out' | 'in'
  readonly edge: EdgeRecord
}

/** Reads the graph: entities through the resolver's keys, edges through {@link edgeKeys}. */
export class GraphReader {
  private readonly keys = entityKeys(RELATIONSHIP_ENTITY_PREFIX)

  constructor(private readonly space: CartridgeKeyspaceReader) {}

  entity(id: string): EntityRecord | undefined {
    return this.space.get(this.keys.entity(id)) as EntityRecord | undefined
  }

  entityOfName(type: string, norm: string): string | undefined {
    return (this.space.get(this.keys.name(nameKey(type, norm))) as NameRecord | undefined)?.entityId
  }

  /**
   * The edges touching `entityId` that hold as of `asOf` (every edge ever when
   * `includeClosed`), optionally one predicate and direction, sorted by the other
   * entity, predicate and validity.
   */
  neighbours(args: { readonly entityId: string; readonly direction: 'out' | 'in' | 'both'; readonly predicate?: string; readonly asOf?: number; readonly includeClosed?: boolean }): Neighbour[] {
    const entity = this.entity(args.entityId)
    if (entity === undefined) return []
    const found: Neighbour[] = []
    const keep = (edge: EdgeRecord): boolean => args.includeClosed === true || validAt(edge, args.asOf)
    for (const name of entity.names) {
      const end = { type: entity.type, norm: name.norm }
      if (args.direction !== 'in') {
        const current = args.asOf === undefined && args.includeClosed !== true
        for (const entry of this.space.scan({ prefix: current ? edgeKeys.openPrefix(end, args.predicate) : edgeKeys.outPrefix(end, args.predicate) })) {
          const edge = (current ? this.space.get(edgeKeys.outOfOpen(String(entry.key))) : entry.value) as unknown as EdgeRecord
          if (keep(edge)) found.push({ entityId: this.entityOfName(edge.object.type, edge.object.norm) ?? null, name: edge.object.name, direction: 'out', edge })
        }
      }
      if (args.direction !== 'out') {
        for (const entry of this.space.scan({ prefix: edgeKeys.inPrefix(end, args.predicate) })) {
          const edge = this.space.get(edgeKeys.outOfIn(String(entry.key))) as unknown as EdgeRecord | undefined
          if (edge !== undefined && keep(edge)) found.push({ entityId: this.entityOfName(edge.subject.type, edge.subject.norm) ?? null, name: edge.subject.name, direction: 'in', edge })
        }
      }
    }
    return found.sort(
      (left, right) =>
        compare(left.entityId ?? '', right.entityId ?? '') || compare(left.edge.predicate, right.edge.predicate) || compare(left.direction, right.direction) || left.edge.validFrom - right.edge.validFrom || compare(left.edge.provenance.sourceKey, right.edge.provenance.sourceKey),
    )
  }

  /** Every stored edge (for facts and stats). */
  *edges(): Generator<{ readonly key: string; readonly edge: EdgeRecord }> {
    for (const entry of this.space.scan({ prefix: edgeKeys.allOut })) yield { key: String(entry.key), edge: entry.value as unknown as EdgeRecord }
  }
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

