import type { PlanCost } from '../ask-types.js'
import type { Catalog } from '../catalog/catalog-types.js'
import type { PlanNode } from './plan-node.js'

/** Milliseconds per record read and per cartridge call: rough, for ranking plans and explain. */
const MS_PER_RECORD = 0.002
const MS_PER_CARTRIDGE_CALL = 0.3

function recordsUnder(catalog: Catalog, keyspace: string, prefix: string | undefined): number {
  const space = catalog.keyspaces.find((item) => item.name === keyspace)
  if (space === undefined) return 0
  if (prefix === undefined || prefix === '') return space.count
  return space.prefixes.filter((entry) => entry.prefix !== '' && (prefix.startsWith(entry.prefix) || entry.prefix.startsWith(prefix))).reduce((sum, entry) => sum + entry.count, 0)
}

function hasRole(catalog: Catalog, role: string): boolean {
  return catalog.cartridges.some((cartridge) => cartridge.role === role)
}

interface Estimate {
  /** Records this node outputs. */
  outputs: number
  candidates: number
  cartridgeCalls: number
  modelCalls: number
}

function estimate(node: PlanNode, catalog: Catalog): Estimate {
  const total = catalog.keyspaces.reduce((sum, space) => sum + space.count, 0)
  const sum = (parts: Estimate[], extra: Partial<Estimate> = {}): Estimate => ({
    outputs: extra.outputs ?? parts.reduce((value, part) => value + part.outputs, 0),
    candidates: parts.reduce((value, part) => value + part.candidates, 0) + (extra.candidates ?? 0),
    cartridgeCalls: parts.reduce((value, part) => value + part.cartridgeCalls, 0) + (extra.cartridgeCalls ?? 0),
    modelCalls: parts.reduce((value, part) => value + part.modelCalls, 0) + (extra.modelCalls ?? 0),
  })
  switch (node.kind) {
    case 'get':
      return { outputs: node.keys.length, candidates: node.keys.length, cartridgeCalls: 0, modelCalls: 0 }
    case 'scan': {
      const count = Math.min(node.limit ?? Infinity, recordsUnder(catalog, node.keyspace, node.prefix))
      return { outputs: count, candidates: count, cartridgeCalls: 0, modelCalls: 0 }
    }
    case 'topicSearch':
      return hasRole(catalog, 'topics') ? { outputs: node.limit, candidates: 0, cartridgeCalls: 1, modelCalls: 0 } : { outputs: node.limit, candidates: recordsUnder(catalog, 'default', node.prefix), cartridgeCalls: 0, modelCalls: 0 }
    case 'vectorSearch':
      return { outputs: node.limit, candidates: 0, cartridgeCalls: 1, modelCalls: 0 }
    case 'entityLookup':
      return { outputs: node.limit, candidates: hasRole(catalog, 'entities') ? 0 : Math.min(total, 5_000), cartridgeCalls: 1, modelCalls: 0 }
    case 'traverse': {
      const input = estimate(node.input, catalog)
      return sum([input], { outputs: Math.min(node.limit, input.outputs * 4 * node.depth), cartridgeCalls: hasRole(catalog, 'relationships') ? input.outputs * node.depth : 0 })
    }
    case 'fuse': {
      const inputs = node.inputs.map((input) => estimate(input, catalog))
      return sum(inputs, { outputs: inputs.reduce((value, part) => value + part.outputs, 0) })
    }
    case 'filter': {
      const input = estimate(node.input, catalog)
      return sum([input], { outputs: Math.ceil(input.outputs / (2 * node.where.length)) })
    }
    case 'between': {
      const input = estimate(node.input, catalog)
      return sum([input], { outputs: Math.ceil(input.outputs / 2), cartridgeCalls: input.outputs })
    }
    case 'aggregate':
      return sum([estimate(node.input, catalog)], { outputs: node.groupBy === undefined ? 1 : 10 })
    case 'limit': {
      const input = estimate(node.input, catalog)
      return sum([input], { outputs: Math.min(node.count, input.outputs) })
    }
    case 'answer': {
      const input = estimate(node.input, catalog)
      return sum([input], { modelCalls: node.mode === 'model' ? 1 : 0 })
    }
    case 'asOf':
    case 'sort':
      return estimate(node.input, catalog)
  }
}

/** Estimates what a plan will read and call before it runs, from the catalog's counts. */
export function estimatePlanCost(root: PlanNode, catalog: Catalog): PlanCost {
  const result = estimate(root, catalog)
  return {
    candidates: result.candidates,
    cartridgeCalls: result.cartridgeCalls,
    modelCalls: result.modelCalls,
    milliseconds: Math.round((result.candidates * MS_PER_RECORD + result.cartridgeCalls * MS_PER_CARTRIDGE_CALL) * 100) / 100,
  }
}
