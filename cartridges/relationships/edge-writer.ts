import type { CartridgeJson, CartridgeKeyspaceWriter, Provenance } from '../spec/index.js'
import type { EntityResolver } from '../entities/index.js'
import { type EdgeEnd, edgeKeys, type EdgeRecord, endComponent, type OpenObjectsRecord, type SourceEdgesRecord } from './edge-record.js'

/** An edge a source asserts, with its ends already resolved. */
export interface AssertedEdge {
  readonly subject: EdgeEnd
  readonly predicate: string
  readonly object: EdgeEnd
  readonly confidence: number
}

const json = (value: unknown): CartridgeJson => value as CartridgeJson

/**
 * Keeps the edges of each source: asserting a source's edges opens the new ones and
 * closes those it no longer states; an edge with a functional predicate closes every
 * open edge of the same subject entity and predicate whose object is another entity.
 * Nothing is deleted: closed edges keep their validity interval and what closed them.
 */
export class EdgeWriter {
  constructor(
    private readonly space: CartridgeKeyspaceWriter,
    private readonly resolver: EntityResolver,
    private readonly functional: ReadonlySet<string>,
  ) {}

  /** Replaces the open edges of `source` with `edges` (asserted by the commit in `provenance`). */
  setSourceEdges(args: { readonly source: string; readonly edges: readonly AssertedEdge[]; readonly provenance: Provenance; readonly timestamp: number | null }): void {
    const { source, provenance } = args
    const open = new Set(this.openOf(source))
    const identity = (edge: Pick<EdgeRecord, 'subject' | 'predicate' | 'object'>): string => JSON.stringify([edge.subject.type, edge.subject.norm, edge.predicate, edge.object.type, edge.object.norm])
    const stillOpen = new Map<string, string>()
    for (const key of open) stillOpen.set(identity(this.space.get(key) as unknown as EdgeRecord), key)
    const wanted = new Set(args.edges.map(identity))
    for (const [id, key] of stillOpen) if (!wanted.has(id)) this.close(key, { reason: 'retracted', provenance }, provenance.txnId, args.timestamp)
    for (const edge of args.edges) {
      const existing = stillOpen.get(identity(edge))
      if (existing !== undefined && this.openOf(source).includes(existing)) continue
      const record: EdgeRecord = { ...edge, validFrom: provenance.txnId, validFromTime: args.timestamp, validTo: null, validToTime: null, closedBy: null, provenance }
      if (this.functional.has(edge.predicate)) this.closeContradicted(record)
      const key = edgeKeys.out(record, source)
      this.space.put(key, json(record))
      this.space.put(edgeKeys.in(record, source), null)
      this.space.put(edgeKeys.openOfOut(key), null)
      if (this.functional.has(record.predicate)) this.countOpen(record, 1)
      this.setOpen(source, [...this.openOf(source).filter((other) => other !== key), key])
    }
  }

  /** Closes every open edge of `source` (its record is gone or no longer states anything). */
  retractSource(source: string, at: { readonly txnId: number; readonly timestamp: number | null }): void {
    for (const key of this.openOf(source)) this.close(key, { reason: 'retracted', provenance: null }, at.txnId, at.timestamp)
  }

  /**
   * Closes the open edges of the subject entity (any of its names) with this predicate
   * and another object entity. A per-(subject, predicate) record counts open edges by
   * object, so edges to the same object cost nothing and others are found by prefix.
   */
  private closeContradicted(edge: EdgeRecord): void {
    const subjectEntity = this.resolver.entityOfName(edge.subject.type, edge.subject.norm)
    const objectEntity = this.resolver.entityOfName(edge.object.type, edge.object.norm)
    const entity = subjectEntity === undefined ? undefined : this.resolver.entity(subjectEntity)
    const names = entity === undefined ? [{ type: edge.subject.type, norm: edge.subject.norm }] : entity.names.map((name) => ({ type: entity.type, norm: name.norm }))
    for (const name of names) {
      const counts = this.space.get(edgeKeys.openObjects(name, edge.predicate)) as OpenObjectsRecord | undefined
      for (const objectPart of Object.keys(counts ?? {}).sort()) {
        if (objectPart === endComponent(edge.object)) continue
        const open = [...this.space.scan({ prefix: `${edgeKeys.openPrefix(name, edge.predicate)}${objectPart}/` })].map((entry) => edgeKeys.outOfOpen(String(entry.key)))
        const other = open.length === 0 ? undefined : (this.space.get(open[0]!) as unknown as EdgeRecord)
        if (other === undefined) continue
        const otherObject = this.resolver.entityOfName(other.object.type, other.object.norm)
        if (otherObject !== undefined && otherObject === objectEntity) continue
        for (const key of open) this.close(key, { reason: 'contradiction', provenance: edge.provenance }, edge.validFrom, edge.validFromTime)
      }
    }
  }

  /** Adds `delta` to the open-edge count of the edge's (subject name, predicate, object name); kept for functional predicates only. */
  private countOpen(edge: EdgeRecord, delta: number): void {
    const key = edgeKeys.openObjects(edge.subject, edge.predicate)
    const counts = { ...((this.space.get(key) as OpenObjectsRecord | undefined) ?? {}) }
    const object = endComponent(edge.object)
    const next = (counts[object] ?? 0) + delta
    if (next > 0) counts[object] = next
    else delete counts[object]
    if (Object.keys(counts).length === 0) this.space.delete(key)
    else this.space.put(key, json(Object.fromEntries(Object.entries(counts).sort(([left], [right]) => (left < right ? -1 : 1)))))
  }

  private close(key: string, closure: EdgeRecord['closedBy'], txnId: number, timestamp: number | null): void {
    const edge = this.space.get(key) as unknown as EdgeRecord | undefined
    if (edge === undefined || edge.validTo !== null) return
    this.space.put(key, json({ ...edge, validTo: Math.max(txnId, edge.validFrom), validToTime: timestamp, closedBy: closure } satisfies EdgeRecord))
    this.space.delete(edgeKeys.openOfOut(key))
    if (this.functional.has(edge.predicate)) this.countOpen(edge, -1)
    const source = key.split('/').slice(6).join('/')
    this.setOpen(source, this.openOf(source).filter((other) => other !== key))
  }

  private openOf(source: string): string[] {
    return [...((this.space.get(edgeKeys.source(source)) as unknown as SourceEdgesRecord | undefined)?.open ?? [])]
  }

  private setOpen(source: string, open: readonly string[]): void {
    if (open.length === 0) this.space.delete(edgeKeys.source(source))
    else this.space.put(edgeKeys.source(source), json({ open: [...open].sort() } satisfies SourceEdgesRecord))
  }
}
