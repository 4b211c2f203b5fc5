import type { Provenance } from '../spec/index.js'

/** One name (surface form) of an entity with its mention statistics, as kept in the entity record. */
export interface EntityName {
  /** The normalised form (the key of the name). */
  readonly norm: string
  /** The surface form first seen. */
  readonly name: string
  readonly mentions: number
  /** Sum of mention confidences in thousandths (integers keep incremental and rebuilt bytes equal). */
  readonly confidenceMilli: number
}

/** An entity: `e/<id>`. */
export interface EntityRecord {
  readonly id: string
  readonly type: string
  /** The name with the most mentions (then the longest, then the first in order). */
  readonly canonicalName: string
  /** Every name of the entity, sorted by `norm`. */
  readonly names: readonly EntityName[]
  readonly mentions: number
  /** Mean mention confidence, 0..1. */
  readonly confidence: number
  /** The mention that founded the entity. */
  readonly provenance: Provenance
}

/** How a name came to belong to its entity. */
export type ResolutionMethod = 'new' | 'exact' | 'alias' | 'fuzzy' | 'model' | 'directive' | 'split'

/** A name: `n/<type>/<norm>`, mapping it to its entity. */
export interface NameRecord {
  readonly entityId: string
  readonly type: string
  readonly norm: string
  readonly name: string
  readonly method: ResolutionMethod
  /** Similarity that decided the match (1 for exact and alias matches). */
  readonly score: number
  /** The mention (or directive) that introduced the name. */
  readonly provenance: Provenance
}

/** A mention of a name by a source record: `m/<type>/<norm>/<source id>`. */
export interface MentionRecord {
  readonly sourceKeyspace: string
  readonly sourceKey: string
  readonly txnId: number
  readonly name: string
  readonly confidence: number
  readonly provenance: Provenance
}

/** A recorded merge of a name into an entity: `g/<entity id>/<type>/<norm>`. Kept when reverted. */
export interface MergeRecord {
  readonly entityId: string
  readonly type: string
  readonly norm: string
  readonly name: string
  readonly method: Exclude<ResolutionMethod, 'new' | 'exact' | 'split'>
  readonly score: number
  /** For a directive merge of a whole entity: the entity the name came from. */
  readonly fromEntityId: string | null
  readonly provenance: Provenance
  /** Set when the merge was undone (`unmerge`): the directive that did it. */
  readonly revertedBy: Provenance | null
}

/** Which names a source record mentions: `s/<source id>`. */
export interface SourceIndexRecord {
  /** Name keys (`<type>/<norm>` as key components). */
  readonly names: readonly string[]
}
