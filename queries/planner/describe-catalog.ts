import type { Catalog } from '../catalog/catalog-types.js'

function short(value: unknown): string {
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text
}

/**
 * The catalog as compact text for a model prompt: each prefix with its count and
 * fields (types, categorical values or examples, what key fields point at), the
 * cartridges with their roles and query operations, and the time range.
 */
export function describeCatalog(catalog: Catalog): string {
  const lines: string[] = []
  for (const space of catalog.keyspaces) {
    lines.push(`keyspace "${space.name}" (${space.count}${space.countIsExact ? '' : '+'} records)`)
    for (const prefix of space.prefixes) {
      lines.push(`  prefix "${prefix.prefix}" (${prefix.count}${prefix.countIsExact ? '' : '+'} records${prefix.nameField === undefined ? '' : `, named by ${prefix.nameField}`})`)
      for (const field of prefix.fields.slice(0, 25)) {
        const detail = field.values !== undefined ? `values ${field.values.slice(0, 16).map(short).join(', ')}` : field.refersTo !== undefined ? `keys of ${field.refersTo.join(', ')}` : field.examples.length > 0 ? `e.g. ${field.examples.slice(0, 2).map(short).join(', ')}` : ''
        lines.push(`    ${field.path}: ${field.types.join('|')}${detail === '' ? '' : ` — ${detail}`}`)
      }
    }
  }
  lines.push('cartridges:')
  for (const cartridge of catalog.cartridges) lines.push(`  ${cartridge.name} (${cartridge.role}): ${cartridge.queries.map((query) => query.name).join(', ')}`)
  if (catalog.cartridges.length === 0) lines.push('  (none: full-text search scans, entity lookups follow key references)')
  const range = catalog.timeRange
  lines.push(`txn ids ${range.firstTxnId}..${range.lastTxnId}; record dates ${range.earliestDate ?? '?'}..${range.latestDate ?? '?'}`)
  return lines.join('\n')
}
