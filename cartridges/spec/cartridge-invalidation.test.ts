import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { LivingDbError } from '../../errors/index.js'
import { createTopicsCartridge } from '../topics/index.js'
import { attachCartridges } from './attach-cartridges.js'
import type { Cartridge } from './cartridge-definition.js'
import { cartridgeFromRecipe } from './cartridge-recipe.js'
import { defineCartridge } from './define-cartridge.js'
import { cartridgeStatus } from './open-cartridge.js'

describe('invalidation: a format, model or config change triggers a rebuild', () => {
  it('marks the index stale for each kind of change, and attaching rebuilds it with the new definition', async () => {
    const db = await open({ durability: 'none' })
    const base = createTopicsCartridge({ source: { prefix: 'notes/' } })
    const attached = await attachCartridges({ db, cartridges: [base] })
    await db.put('notes/1', { text: 'harbour ferry' })
    await attached.idle()
    await attached.close()
    const changes: [string, Cartridge, RegExp][] = [
      ['format', { ...base, formatVersion: 2 }, /format version 1 → 2/],
      ['model', { ...base, modelId: 'offline:default' }, /model null → offline:default/],
      ['config', createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'] }), /config changed/],
    ]
    for (const [kind, changed, reason] of changes) {
      const status = cartridgeStatus({ db, cartridge: changed })
      expect(status.state, kind).toBe('stale')
      expect(status.reason, kind).toMatch(reason)
    }
    // Equal configs written in another key order are the same config.
    const reordered = createTopicsCartridge({ source: { prefix: 'notes/', keyspace: 'default' } })
    expect(cartridgeStatus({ db, cartridge: reordered }).state).toBe('current')
    const model = changes[1]![1]
    const rebuilt = await attachCartridges({ db, cartridges: [model] })
    expect(cartridgeStatus({ db, cartridge: model }).state).toBe('current')
    expect(rebuilt.query('topics', 'search', { query: 'ferry' })).toHaveLength(1)
    await rebuilt.close()
    await db.close()
  })

  it('refuses a malformed definition naming the fields, and a recipe of an unknown kind', () => {
    let failure: unknown
    try {
      defineCartridge({ ...createTopicsCartridge(), name: 'Bad Name', keyspaces: ['sys'] })
    } catch (error) {
      failure = error
    }
    expect(LivingDbError.isInstance(failure) && failure.code).toBe('CARTRIDGE_INVALID')
    expect((failure as Error).message).toMatch(/name/)
    expect((failure as Error).message).toMatch(/reserved keyspaces/)
    expect(() => cartridgeFromRecipe({ kind: 'nope', options: {} }, { topics: createTopicsCartridge as never })).toThrow(expect.objectContaining({ code: 'CARTRIDGE_NOT_FOUND', message: expect.stringContaining('known: topics') }))
    const recreated = cartridgeFromRecipe(createTopicsCartridge({ source: { prefix: 'a/' }, segmentSize: 7 }).recipe!, { topics: createTopicsCartridge as never })
    expect(recreated.fingerprint).toEqual(createTopicsCartridge({ source: { prefix: 'a/' }, segmentSize: 7 }).fingerprint)
  })
})
