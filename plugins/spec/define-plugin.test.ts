import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { definePlugin, isPluginDefinition } from './define-plugin.js'
import { PluginError } from './plugin-error.js'
import { PLUGIN_HOOK_KINDS } from './plugin-hooks.js'

const valid = {
  name: 'topic-indexer',
  version: '1.2.3',
  apiVersion: 1 as const,
  configSchema: z.object({ limit: z.number().default(5) }),
  permissions: { read: [{ keyspace: 'default', prefix: 'notes/' }], write: ['topics'], network: false },
  hooks: { onCommit: () => ({ writes: [] }) },
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action()
  } catch (error) {
    return LivingDbError.isInstance(error) ? error.code : 'not-a-livingdb-error'
  }
  return undefined
}

describe('definePlugin', () => {
  it('returns a frozen definition marked as a plugin', () => {
    const plugin = definePlugin(valid)
    expect(Object.isFrozen(plugin)).toBe(true)
    expect(isPluginDefinition(plugin)).toBe(true)
    expect(isPluginDefinition({ ...valid })).toBe(false)
    expect(plugin.name).toBe('topic-indexer')
  })

  it.each([
    ['a bad name', { name: 'Topic Indexer' }],
    ['a non-semver version', { version: '1.2' }],
    ['another api version', { apiVersion: 2 }],
    ['writing the sys keyspace', { permissions: { ...valid.permissions, write: ['sys'] } }],
    ['writing the default keyspace', { permissions: { ...valid.permissions, write: ['default'] } }],
    ['no network flag', { permissions: { read: [], write: [] } }],
    ['an unknown permission', { permissions: { ...valid.permissions, filesystem: true } }],
    ['no hooks', { hooks: {} }],
    ['a hook that is not a function', { hooks: { onCommit: 'run' } }],
    ['a schedule without a period', { hooks: { onSchedule: { handler: () => undefined } } }],
    ['a config schema that is not zod', { configSchema: { parse: 1 } }],
  ])('rejects %s with PLUGIN_INVALID', (_label, patch) => {
    expect(codeOf(() => definePlugin({ ...valid, ...patch } as never))).toBe('PLUGIN_INVALID')
  })

  it('names the plugin and the broken field in the message', () => {
    try {
      definePlugin({ ...valid, version: 'one' })
      expect.unreachable()
    } catch (error) {
      expect(String((error as Error).message)).toContain('topic-indexer')
      expect(String((error as Error).message)).toContain('version')
    }
  })
})

describe('plugin spec values', () => {
  it('types each hook with an execution kind', () => {
    expect(PLUGIN_HOOK_KINDS).toEqual({ onCommit: 'parallel', onQuery: 'sequential', onSchedule: 'parallel' })
  })

  it('PluginError names the plugin and hook and survives the JSON boundary', () => {
    const error = new PluginError('PLUGIN_HOOK_TIMEOUT', 'took longer than 50 ms', { plugin: 'slow', hook: 'onCommit' })
    expect(LivingDbError.isInstance(error)).toBe(true)
    expect(error.message).toBe('plugin "slow" (onCommit): took longer than 50 ms')
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'PLUGIN_HOOK_TIMEOUT', details: { plugin: 'slow', hook: 'onCommit' } })
  })
})
