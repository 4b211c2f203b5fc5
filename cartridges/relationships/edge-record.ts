import { padNumber, type Provenance } from '../spec/index.js'
import { nameKey, shortKeyComponent } from '../entities/index.js'

/** One end of an edge: the name as extracted (resolved to an entity when read). */
export interface EdgeEnd {
  readonly type: string
  /** Normalised name. */
  readonly norm: string
  /** Surface form in the source record. */
  readonly name: string
}

/** Why an edge stopped being valid. */
export interface EdgeClosure {
  /** `contradiction`: a functional predicate got another object; `retracted`: the source no longer says it. */
  readonly reason: 'contradiction' | 'retracted'
  /** What closed it: the contradicting edge's provenance, or the source's. */
  readonly provenance: Provenance | null
}

/**
 * A typed edge `subject —predicate→ object`, valid from the commit that asserted it
 * until `validTo` (exclusive; null while open). Closed edges are kept: history is
 * never deleted. Stored at `r/o/<subject>/<predicate>/<object>/<validFrom>/<source id>`.
 */
export interface EdgeRecord {
  readonly subject: EdgeEnd
  readonly predicate: string
  readonly object: EdgeEnd
  readonly confidence: number
  /** Txn id of the commit that asserted it (the source record's commit). */
  readonly validFrom: number
  /** Wall-clock time of that commit (ms), when known. */
  readonly validFromTime: number | null
  readonly validTo: number | null
  readonly validToTime: number | null
  readonly closedBy: EdgeClosure | null
  readonly provenance: Provenance
}

/** Open edges per object (end component → count) of one subject name and predicate: `r/c/...`. */
export type OpenObjectsRecord = { readonly [objectComponent: string]: number }

/** The open edges a source asserts: `r/q/<source id>`. */
export interface SourceEdgesRecord {
  readonly open: readonly string[]
}

/** The key of an end: its name key as one key component. */
export function endComponent(end: Pick<EdgeEnd, 'type' | 'norm'>): string {
  return shortKeyComponent(nameKey(end.type, end.norm))
}

/**
 * The relationships cartridge's edge key layout (resolver keys live under `ent/`):
 * `r/o/` every edge by subject, `r/i/` by object, `r/f/` open edges by subject,
 * `r/c/` open-edge counts per (subject, predicate) by object, `r/q/` the open edges of each source.
 */
export const edgeKeys = {
  out: (edge: Pick<EdgeRecord, 'subject' | 'predicate' | 'object' | 'validFrom'>, source: string) =>
    `r/o/${endComponent(edge.subject)}/${shortKeyComponent(edge.predicate)}/${endComponent(edge.object)}/${padNumber(edge.validFrom, 12)}/${source}`,
  in: (edge: Pick<EdgeRecord, 'subject' | 'predicate' | 'object' | 'validFrom'>, source: string) =>
    `r/i/${endComponent(edge.object)}/${shortKeyComponent(edge.predicate)}/${endComponent(edge.subject)}/${padNumber(edge.validFrom, 12)}/${source}`,
  /** The open-edge index entry of an out key (`r/f/...`, present while the edge is open). */
  openOfOut: (outKey: string) => `r/f/${outKey.slice('r/o/'.length)}`,
  /** The out key an open-edge index entry points to. */
  outOfOpen: (openKey: string) => `r/o/${openKey.slice('r/f/'.length)}`,
  /** Open-edge counts by object for one subject name and predicate (`r/c/<subject>/<predicate>`). */
  openObjects: (end: Pick<EdgeEnd, 'type' | 'norm'>, predicate: string) => `r/c/${endComponent(end)}/${shortKeyComponent(predicate)}`,
  openPrefix: (end: Pick<EdgeEnd, 'type' | 'norm'>, predicate?: string) => `r/f/${endComponent(end)}/${predicate === undefined ? '' : `${shortKeyComponent(predicate)}/`}`,
  /** The out key an in key points to. */
  outOfIn: (inKey: string) => {
    const [objectPart, predicate, subjectPart, validFrom, ...source] = inKey.slice('r/i/'.length).split('/')
    return `r/o/${subjectPart}/${predicate}/${objectPart}/${validFrom}/${source.join('/')}`
  },
  outPrefix: (end: Pick<EdgeEnd, 'type' | 'norm'>, predicate?: string) => `r/o/${endComponent(end)}/${predicate === undefined ? '' : `${shortKeyComponent(predicate)}/`}`,
  inPrefix: (end: Pick<EdgeEnd, 'type' | 'norm'>, predicate?: string) => `r/i/${endComponent(end)}/${predicate === undefined ? '' : `${shortKeyComponent(predicate)}/`}`,
  allOut: 'r/o/',
  source: (source: string) => `r/q/${source}`,
}

/** True when the edge holds at txn `asOf` (undefined: now, i.e. it is open). */
export function validAt(edge: Pick<EdgeRecord, 'validFrom' | 'validTo'>, asOf: number | undefined): boolean {
  if (asOf === undefined) return edge.validTo === null
  return edge.validFrom <= asOf && (edge.validTo === null || edge.validTo > asOf)
}
