import type { Database } from '../core/index.js'
import { AUTONOMY_ORIGIN } from './autonomy-action.js'

/**
 * The database as derived indexes must see it: commits made by autonomy (tiering moves,
 * promotions, undo) keep every value's meaning, so their operations are hidden from the
 * commit stream (the commit itself stays, with no operations, so cursors advance as usual).
 * Pass this to `attachCartridges`/`openCartridge` so no index ever sees an archive reference.
 *
 * @example
 * const cartridges = await attachCartridges({ db: hideAutonomyCommits(db), cartridges })
 */
export function hideAutonomyCommits<D extends Pick<Database, 'commits'>>(db: D): D {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'commits') {
        return (options?: { readonly from?: number }) => filtered(target.commits(options))
      }
      const value = Reflect.get(target, property, receiver) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

async function* filtered(commits: ReturnType<Database['commits']>): ReturnType<Database['commits']> {
  for await (const commit of commits) yield commit.origin === AUTONOMY_ORIGIN ? { ...commit, ops: [] } : commit
}
