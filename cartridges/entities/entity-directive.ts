import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { CartridgeDatabase } from '../spec/index.js'
import { shortKeyComponent } from './short-key-component.js'

/** Where entity directives (manual merges and unmerges) are written by default. */
export const DEFAULT_DIRECTIVE_SOURCE = { keyspace: 'default', prefix: 'entity-directives/' } as const

/** Validates an {@link EntityDirective}. */
export const entityDirectiveSchema = z.union([
  z.object({ op: z.literal('merge'), from: z.string().min(1), into: z.string().min(1) }).strict(),
  z.object({ op: z.literal('unmerge'), entityId: z.string().min(1), name: z.string().min(1) }).strict(),
  z.object({ op: z.literal('unmerge'), entityId: z.string().min(1), fromEntityId: z.string().min(1) }).strict(),
])

/**
 * A manual change to entity resolution, written as a record so it is part of the commit
 * stream (and every rebuild repeats it):
 * - `merge`: entity `from` joins `into` (all its names; both of the same type);
 * - `unmerge` with `name`: that name leaves `entityId` and becomes an entity of its own;
 * - `unmerge` with `fromEntityId`: undoes a `merge` — the names that came from that
 *   entity leave again, under their old id when it is free.
 * Merge records stay, marked `revertedBy`. Deleting a directive record changes nothing.
 */
export type EntityDirective = z.infer<typeof entityDirectiveSchema>

/**
 * Writes a directive as an app commit and returns its txn id; the entities and
 * relationships cartridges apply it on their next catch-up.
 *
 * @example
 * await writeEntityDirective({ db, directive: { op: 'unmerge', entityId: 'place:new york city', name: 'NYC' } })
 */
export async function writeEntityDirective(args: { readonly db: CartridgeDatabase; readonly directive: EntityDirective; readonly source?: { readonly keyspace?: string; readonly prefix?: string } }): Promise<number> {
  const parsed = entityDirectiveSchema.safeParse(args.directive)
  if (!parsed.success) {
    throw new LivingDbError('INVALID_ARGUMENT', `Entity directive is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Pass { op: 'merge', from, into } or { op: 'unmerge', entityId, name | fromEntityId }.`)
  }
  const keyspace = args.source?.keyspace ?? DEFAULT_DIRECTIVE_SOURCE.keyspace
  const prefix = args.source?.prefix ?? DEFAULT_DIRECTIVE_SOURCE.prefix
  const directive = parsed.data
  const subject = directive.op === 'merge' ? `${shortKeyComponent(directive.from)}/${shortKeyComponent(directive.into)}` : `${shortKeyComponent(directive.entityId)}/${shortKeyComponent('name' in directive ? directive.name : directive.fromEntityId)}`
  const result = await args.db.write((transaction) => {
    transaction.keyspace(keyspace).put(`${prefix}${directive.op}/${subject}/${args.db.txnId + 1}`, directive as never)
  }, { origin: 'app' })
  return result.txnId
}
