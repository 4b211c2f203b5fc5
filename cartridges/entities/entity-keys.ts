import { shortKeyComponent } from './short-key-component.js'

/** A name's key part: `<type>/<norm>`, each a key component. */
export function nameKey(type: string, norm: string): string {
  return `${shortKeyComponent(type)}/${shortKeyComponent(norm)}`
}

/**
 * The key layout of the entity resolver under a prefix (`''` in the entities keyspace,
 * `ent/` inside the relationships keyspace):
 * `e/<id>` entity, `y/<type>/<id>` type index, `n/<name key>` name → entity,
 * `v/<type>/<variant>/<norm>` variant index (legal form dropped, initials),
 * `t/<type>/<trigram>/<norm>` trigram index, `m/<name key>/<source id>` mention,
 * `s/<source id>` names a source mentions, `g/<id>/<name key>` merge record,
 * `b/<name key>/<id>` a name an unmerge took out of an entity (never merged back by itself).
 */
export function entityKeys(prefix: string) {
  return {
    entity: (id: string) => `${prefix}e/${shortKeyComponent(id)}`,
    entityPrefix: `${prefix}e/`,
    typeIndex: (type: string, id: string) => `${prefix}y/${shortKeyComponent(type)}/${shortKeyComponent(id)}`,
    typeIndexPrefix: (type: string) => `${prefix}y/${shortKeyComponent(type)}/`,
    name: (key: string) => `${prefix}n/${key}`,
    variant: (type: string, variant: string, norm: string) => `${prefix}v/${shortKeyComponent(type)}/${shortKeyComponent(variant)}/${shortKeyComponent(norm)}`,
    variantPrefix: (type: string, variant: string) => `${prefix}v/${shortKeyComponent(type)}/${shortKeyComponent(variant)}/`,
    trigram: (type: string, trigram: string, norm: string) => `${prefix}t/${shortKeyComponent(type)}/${shortKeyComponent(trigram)}/${shortKeyComponent(norm)}`,
    trigramPrefix: (type: string, trigram: string) => `${prefix}t/${shortKeyComponent(type)}/${shortKeyComponent(trigram)}/`,
    mention: (key: string, source: string) => `${prefix}m/${key}/${source}`,
    mentionPrefix: (key: string) => `${prefix}m/${key}/`,
    mentionsPrefix: `${prefix}m/`,
    source: (source: string) => `${prefix}s/${source}`,
    merge: (id: string, key: string) => `${prefix}g/${shortKeyComponent(id)}/${key}`,
    mergePrefix: (id: string) => `${prefix}g/${shortKeyComponent(id)}/`,
    mergesPrefix: `${prefix}g/`,
    namesPrefix: `${prefix}n/`,
    block: (key: string, id: string) => `${prefix}b/${key}/${shortKeyComponent(id)}`,
    blocksPrefix: `${prefix}b/`,
  }
}

/** The key layout of {@link entityKeys}. */
export type EntityKeys = ReturnType<typeof entityKeys>
