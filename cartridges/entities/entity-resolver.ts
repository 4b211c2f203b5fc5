import type { CartridgeJson, CartridgeKeyspaceWriter, Provenance } from '../spec/index.js'
import { entityKeys, type EntityKeys, nameKey } from './entity-keys.js'
import type { EntityName, EntityRecord, MentionRecord, MergeRecord, NameRecord, ResolutionMethod, SourceIndexRecord } from './entity-records.js'
import { effectiveType, findMatch } from './find-match.js'
import { nameTrigrams, nameVariants, normalizeName } from './normalize-name.js'
import type { resolveResolutionOptions } from './resolution-options.js'

/** One entity mention to resolve. */
export interface MentionInput {
  readonly name: string
  readonly type: string
  readonly confidence: number
}

/** Where a mention resolved: its entity and its name (type, normalised). */
export interface ResolvedMention {
  readonly entityId: string
  readonly type: string
  readonly norm: string
}

const json = (value: unknown): CartridgeJson => value as CartridgeJson

function summarize(record: Omit<EntityRecord, 'canonicalName' | 'mentions' | 'confidence'>): EntityRecord {
  const names = [...record.names].sort((left, right) => (left.norm < right.norm ? -1 : left.norm > right.norm ? 1 : 0))
  let canonical = names[0]!
  for (const name of names) if (name.mentions > canonical.mentions || (name.mentions === canonical.mentions && name.name.length > canonical.name.length)) canonical = name
  const mentions = names.reduce((sum, name) => sum + name.mentions, 0)
  const milli = names.reduce((sum, name) => sum + name.confidenceMilli, 0)
  return { id: record.id, type: record.type, canonicalName: canonical.name, names, mentions, confidence: mentions === 0 ? 0 : Math.round(milli / mentions) / 1000, provenance: record.provenance }
}

/**
 * Resolves entity mentions into entities inside one keyspace (under a key prefix), the
 * state machine shared by the entities and relationships cartridges: normalised exact
 * match → alias (variants) → fuzzy (trigram candidates, Jaro–Winkler) → optional model
 * confirmation. Every step reads the transaction it writes, so records in one batch see
 * each other and applying the same commits always gives the same bytes.
 */
export class EntityResolver {
  readonly keys: EntityKeys

  constructor(
    readonly space: CartridgeKeyspaceWriter,
    prefix: string,
    private readonly options: ReturnType<typeof resolveResolutionOptions>,
  ) {
    this.keys = entityKeys(prefix)
  }

  entity(id: string): EntityRecord | undefined {
    return this.space.get(this.keys.entity(id)) as EntityRecord | undefined
  }

  /** The entity a name currently belongs to. */
  entityOfName(type: string, norm: string): string | undefined {
    return (this.space.get(this.keys.name(nameKey(type, norm))) as NameRecord | undefined)?.entityId
  }

  /**
   * Replaces what `source` mentions with `mentions` (an empty list retracts it) and
   * returns where each mention resolved (undefined for a name that normalises to nothing).
   * Names the source keeps mentioning keep their entity; only dropped names are retracted
   * and only new names are resolved.
   */
  async setSourceMentions(args: { readonly source: string; readonly mentions: readonly MentionInput[]; readonly provenance: Provenance }): Promise<(ResolvedMention | undefined)[]> {
    const index = this.space.get(this.keys.source(args.source)) as SourceIndexRecord | undefined
    const previous = new Set(index?.names ?? [])
    const planned = args.mentions.map((mention) => {
      const norm = normalizeName(mention.name)
      if (norm === '') return undefined
      const type = effectiveType({ space: this.space, keys: this.keys, type: mention.type, norm })
      return { ...mention, type, norm, key: nameKey(type, norm) }
    })
    const wanted = new Set(planned.flatMap((mention) => (mention === undefined ? [] : [mention.key])))
    for (const key of previous) if (!wanted.has(key)) this.removeMention(args.source, key)
    const resolved: (ResolvedMention | undefined)[] = []
    const done = new Set<string>()
    for (const mention of planned) {
      if (mention === undefined) {
        resolved.push(undefined)
        continue
      }
      const entityId = this.entityOfName(mention.type, mention.norm) ?? (await this.addName({ ...mention, provenance: args.provenance }))
      resolved.push({ entityId, type: mention.type, norm: mention.norm })
      if (done.has(mention.key)) continue
      done.add(mention.key)
      const milli = Math.round(mention.confidence * 1000)
      const earlier = previous.has(mention.key) ? (this.space.get(this.keys.mention(mention.key, args.source)) as MentionRecord | undefined) : undefined
      const record: MentionRecord = { sourceKeyspace: args.provenance.sourceKeyspace, sourceKey: args.provenance.sourceKey, txnId: args.provenance.txnId, name: mention.name, confidence: mention.confidence, provenance: args.provenance }
      this.space.put(this.keys.mention(mention.key, args.source), json(record))
      if (earlier === undefined) this.adjustName(entityId, mention.norm, 1, milli)
      else this.adjustName(entityId, mention.norm, 0, milli - Math.round(earlier.confidence * 1000))
    }
    if (done.size > 0) this.space.put(this.keys.source(args.source), json({ names: [...done].sort() } satisfies SourceIndexRecord))
    else if (index !== undefined) this.space.delete(this.keys.source(args.source))
    return resolved
  }

  /** Retracts every mention of `source`; names left without mentions leave their entity, entities left without names are deleted. */
  removeSource(source: string): void {
    const index = this.space.get(this.keys.source(source)) as SourceIndexRecord | undefined
    if (index === undefined) return
    this.space.delete(this.keys.source(source))
    for (const key of index.names) this.removeMention(source, key)
  }

  /** Retracts one mention; a name left without mentions is dropped. */
  private removeMention(source: string, key: string): void {
    const mention = this.space.get(this.keys.mention(key, source)) as MentionRecord | undefined
    const name = this.space.get(this.keys.name(key)) as NameRecord | undefined
    if (mention === undefined || name === undefined) return
    this.space.delete(this.keys.mention(key, source))
    const left = this.adjustName(name.entityId, name.norm, -1, -Math.round(mention.confidence * 1000))
    if (left === 0) this.dropName(name)
  }

  /** A new name: joins the entity it matches (recording the merge) or founds a new entity. */
  private async addName(args: MentionInput & { readonly norm: string; readonly provenance: Provenance }): Promise<string> {
    const { type, norm, provenance } = args
    let match = findMatch({ space: this.space, keys: this.keys, type, norm, threshold: this.options.fuzzyThreshold, minFuzzyLength: this.options.minFuzzyLength })
    let method: ResolutionMethod = match === undefined ? 'new' : match.method
    let ledgerEntryId = provenance.ledgerEntryId
    if (match !== undefined && match.method === 'fuzzy' && this.options.confirm !== undefined && match.score < this.options.confirmBelow) {
      const candidate = this.entity(match.entityId)!
      const verdict = await this.options.confirm({ mention: { name: args.name, type }, candidate: { entityId: candidate.id, canonicalName: candidate.canonicalName, names: candidate.names.map((name) => name.name) }, score: match.score })
      if (verdict.same) {
        method = 'model'
        ledgerEntryId = verdict.ledgerEntryId
      } else {
        match = undefined
        method = 'new'
      }
    }
    const entityId = match?.entityId ?? this.freeId(`${type}:${norm}`, provenance.txnId)
    if (match === undefined) {
      this.space.put(this.keys.typeIndex(type, entityId), entityId)
    } else if (method === 'alias' || method === 'fuzzy' || method === 'model') {
      const merge: MergeRecord = { entityId, type, norm, name: args.name, method, score: match.score, fromEntityId: null, provenance: { ...provenance, ledgerEntryId }, revertedBy: null }
      this.space.put(this.keys.merge(entityId, nameKey(type, norm)), json(merge))
    }
    this.putName({ entityId, type, norm, name: args.name, method, score: match?.score ?? 1, provenance: { ...provenance, ledgerEntryId } }, { norm, name: args.name, mentions: 0, confidenceMilli: 0 })
    return entityId
  }

  /** Writes a name record and its indexes and adds the name to its entity. */
  private putName(record: NameRecord, stats: EntityName): void {
    this.space.put(this.keys.name(nameKey(record.type, record.norm)), json(record))
    for (const variant of nameVariants(record.norm, record.type)) this.space.put(this.keys.variant(record.type, variant, record.norm), record.norm)
    for (const trigram of nameTrigrams(record.norm)) this.space.put(this.keys.trigram(record.type, trigram, record.norm), record.norm)
    const entity = this.entity(record.entityId) ?? { id: record.entityId, type: record.type, names: [], provenance: record.provenance }
    this.space.put(this.keys.entity(entity.id), json(summarize({ ...entity, names: [...entity.names.filter((name) => name.norm !== stats.norm), stats] })))
  }

  /** Removes a name, its indexes and its merge record; deletes its entity when it was the last name. */
  private dropName(record: NameRecord): void {
    const key = nameKey(record.type, record.norm)
    this.space.delete(this.keys.name(key))
    for (const variant of nameVariants(record.norm, record.type)) this.space.delete(this.keys.variant(record.type, variant, record.norm))
    for (const trigram of nameTrigrams(record.norm)) this.space.delete(this.keys.trigram(record.type, trigram, record.norm))
    this.space.delete(this.keys.merge(record.entityId, key))
    const entity = this.entity(record.entityId)
    if (entity === undefined) return
    const names = entity.names.filter((name) => name.norm !== record.norm)
    if (names.length > 0) {
      this.space.put(this.keys.entity(entity.id), json(summarize({ ...entity, names })))
      return
    }
    this.space.delete(this.keys.entity(entity.id))
    this.space.delete(this.keys.typeIndex(entity.type, entity.id))
    for (const merge of [...this.space.scan({ prefix: this.keys.mergePrefix(entity.id) })]) this.space.delete(merge.key)
  }

  /** Changes a name's mention statistics; returns the mentions it has left. */
  private adjustName(entityId: string, norm: string, mentions: number, confidenceMilli: number): number {
    const entity = this.entity(entityId)!
    let left = 0
    const names = entity.names.map((name) => {
      if (name.norm !== norm) return name
      left = name.mentions + mentions
      return { ...name, mentions: left, confidenceMilli: name.confidenceMilli + confidenceMilli }
    })
    this.space.put(this.keys.entity(entityId), json(summarize({ ...entity, names })))
    return left
  }

  /** `preferred`, or `preferred~<txn>[.<n>]` when an entity already has that id. */
  private freeId(preferred: string, txnId: number): string {
    if (this.entity(preferred) === undefined) return preferred
    for (let attempt = 0; ; attempt++) {
      const id = attempt === 0 ? `${preferred}~${txnId}` : `${preferred}~${txnId}.${attempt}`
      if (this.entity(id) === undefined) return id
    }
  }

  /**
   * Moves names of `entityId` to a new entity (an unmerge). `names` are normalised names;
   * the new entity takes `preferredId` when free. The merge records of the moved names are
   * kept, marked reverted by `provenance`, and each moved name is blocked from joining the
   * old entity again by itself (a later `merge` directive lifts the block). Returns the new id, or undefined when nothing
   * moved (unknown entity or name, or every name would leave).
   */
  split(args: { readonly entityId: string; readonly norms: readonly string[]; readonly preferredId?: string; readonly provenance: Provenance }): string | undefined {
    const entity = this.entity(args.entityId)
    if (entity === undefined) return undefined
    const moving = entity.names.filter((name) => args.norms.includes(name.norm))
    if (moving.length === 0 || moving.length === entity.names.length) return undefined
    const id = this.freeId(args.preferredId ?? `${entity.type}:${moving[0]!.norm}`, args.provenance.txnId)
    this.space.put(this.keys.typeIndex(entity.type, id), id)
    this.space.put(this.keys.entity(id), json(summarize({ id, type: entity.type, names: moving, provenance: args.provenance })))
    this.space.put(this.keys.entity(entity.id), json(summarize({ ...entity, names: entity.names.filter((name) => !args.norms.includes(name.norm)) })))
    for (const name of moving) {
      const key = nameKey(entity.type, name.norm)
      const record = this.space.get(this.keys.name(key)) as unknown as NameRecord
      this.space.put(this.keys.name(key), json({ ...record, entityId: id, method: 'split', score: 1 } satisfies NameRecord))
      const merge = this.space.get(this.keys.merge(entity.id, key)) as MergeRecord | undefined
      if (merge !== undefined) this.space.put(this.keys.merge(entity.id, key), json({ ...merge, revertedBy: args.provenance } satisfies MergeRecord))
      this.space.put(this.keys.block(key, entity.id), json({ provenance: args.provenance }))
    }
    return id
  }

  /** Merges entity `from` into `into` (a directive): every name moves, with a merge record each. False when either is missing or they are the same. */
  mergeEntities(args: { readonly from: string; readonly into: string; readonly provenance: Provenance }): boolean {
    const from = this.entity(args.from)
    const into = this.entity(args.into)
    if (from === undefined || into === undefined || from.id === into.id || from.type !== into.type) return false
    for (const name of from.names) {
      const key = nameKey(from.type, name.norm)
      const record = this.space.get(this.keys.name(key)) as unknown as NameRecord
      this.space.put(this.keys.name(key), json({ ...record, entityId: into.id, method: 'directive', score: 1 } satisfies NameRecord))
      this.space.delete(this.keys.block(key, into.id))
      const merge: MergeRecord = { entityId: into.id, type: into.type, norm: name.norm, name: name.name, method: 'directive', score: 1, fromEntityId: from.id, provenance: args.provenance, revertedBy: null }
      this.space.put(this.keys.merge(into.id, key), json(merge))
    }
    this.space.put(this.keys.entity(into.id), json(summarize({ ...into, names: [...into.names, ...from.names] })))
    this.space.delete(this.keys.entity(from.id))
    this.space.delete(this.keys.typeIndex(from.type, from.id))
    for (const merge of [...this.space.scan({ prefix: this.keys.mergePrefix(from.id) })]) this.space.delete(merge.key)
    return true
  }
}
