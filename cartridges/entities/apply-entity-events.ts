import { type CartridgeJson, type CartridgeKeyspaceWriter, padNumber, type Provenance } from '../spec/index.js'
import { shortKeyComponent } from './short-key-component.js'
import type { EntityDirective } from './entity-directive.js'
import type { EntityEvent } from './entity-input.js'
import type { MergeRecord } from './entity-records.js'
import { type EntityResolver, type ResolvedMention } from './entity-resolver.js'
import { normalizeName } from './normalize-name.js'

/** A rejected input record (`bad/<source id>`), kept so nothing is dropped silently. */
export interface RejectedRecord {
  readonly reason: string
  readonly provenance: Provenance
}

/** What a directive did (`d/<txn>/<key>`). */
export interface DirectiveRecord {
  readonly directive: EntityDirective
  readonly applied: boolean
  /** The entity created by an unmerge, or the merge target. */
  readonly entityId: string | null
  readonly provenance: Provenance
}

/** Key helpers for the records kept next to the resolver's. */
export function eventKeys(prefix: string) {
  return {
    rejected: (source: string) => `${prefix}bad/${source}`,
    rejectedPrefix: `${prefix}bad/`,
    directive: (provenance: Provenance) => `${prefix}d/${padNumber(provenance.txnId, 12)}/${shortKeyComponent(provenance.sourceKey)}`,
    directivePrefix: `${prefix}d/`,
  }
}

/** Applies one directive through the resolver. */
export function applyDirective(resolver: EntityResolver, directive: EntityDirective, provenance: Provenance): { readonly applied: boolean; readonly entityId: string | null } {
  if (directive.op === 'merge') {
    const applied = resolver.mergeEntities({ from: directive.from, into: directive.into, provenance })
    return { applied, entityId: applied ? directive.into : null }
  }
  if ('name' in directive) {
    const created = resolver.split({ entityId: directive.entityId, norms: [normalizeName(directive.name)], provenance })
    return { applied: created !== undefined, entityId: created ?? null }
  }
  const norms: string[] = []
  for (const entry of resolver.space.scan({ prefix: resolver.keys.mergePrefix(directive.entityId) })) {
    const merge = entry.value as unknown as MergeRecord
    if (merge.fromEntityId === directive.fromEntityId && merge.revertedBy === null) norms.push(merge.norm)
  }
  const created = resolver.split({ entityId: directive.entityId, norms, preferredId: directive.fromEntityId, provenance })
  return { applied: created !== undefined, entityId: created ?? null }
}

/**
 * Applies entity events in order: a record replaces its source's mentions, a retraction
 * removes them, an invalid record is kept under `bad/`, a directive is applied and logged
 * under `d/`. `onRecord`/`onRetract` let the relationships cartridge follow along.
 */
export async function applyEntityEvents(args: {
  readonly events: AsyncIterable<EntityEvent>
  readonly resolver: EntityResolver
  readonly space: CartridgeKeyspaceWriter
  readonly prefix: string
  readonly onRecord?: (event: Extract<EntityEvent, { kind: 'record' }>, resolved: readonly (ResolvedMention | undefined)[]) => void
  /** Called for a retraction and before an invalid record replaces a source. */
  readonly onRetract?: (source: string, at: { readonly txnId: number; readonly timestamp: number | null }) => void
}): Promise<void> {
  const keys = eventKeys(args.prefix)
  for await (const event of args.events) {
    if (event.kind === 'directive') {
      const outcome = applyDirective(args.resolver, event.directive, event.provenance)
      const record: DirectiveRecord = { directive: event.directive, applied: outcome.applied, entityId: outcome.entityId, provenance: event.provenance }
      args.space.put(keys.directive(event.provenance), record as unknown as CartridgeJson)
      continue
    }
    if (event.kind === 'invalid') {
      args.onRetract?.(event.source, { txnId: event.provenance.txnId, timestamp: null })
      args.resolver.removeSource(event.source)
      args.space.put(keys.rejected(event.source), { reason: event.reason, provenance: event.provenance } as unknown as CartridgeJson)
      continue
    }
    args.space.delete(keys.rejected(event.source))
    if (event.kind === 'retract') {
      args.onRetract?.(event.source, { txnId: event.txnId, timestamp: event.timestamp })
      args.resolver.removeSource(event.source)
      continue
    }
    const resolved = await args.resolver.setSourceMentions({ source: event.source, mentions: event.record.entities, provenance: event.provenance })
    args.onRecord?.(event, resolved)
  }
}
