/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum on every
 * page and commit-log record. Slice-by-8 table implementation: about 1 GB/s in V8.
 */
const POLYNOMIAL = 0x82f63b78
const TABLES: Uint32Array[] = buildTables()

function buildTables(): Uint32Array[] {
  const tables: Uint32Array[] = []
  const first = new Uint32Array(256)
  for (let index = 0; index < 256; index++) {
    let crc = index
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1
    first[index] = crc >>> 0
  }
  tables.push(first)
  for (let slice = 1; slice < 8; slice++) {
    const previous = tables[slice - 1]!
    const table = new Uint32Array(256)
    for (let index = 0; index < 256; index++) table[index] = (previous[index]! >>> 8) ^ first[previous[index]! & 0xff]!
    tables.push(table)
  }
  return tables
}

/**
 * Computes the CRC-32C of `data[start..end)`, optionally continuing from a
 * previous CRC value (pass the previous result as `initial`).
 *
 * @example crc32c(new TextEncoder().encode('123456789')) === 0xe3069283
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array]
  let crc = ~initial >>> 0
  let index = start
  while (end - index >= 8) {
    const low = (crc ^ (data[index]! | (data[index + 1]! << 8) | (data[index + 2]! << 16) | (data[index + 3]! << 24))) >>> 0
    crc =
      t7[low & 0xff]! ^
      t6[(low >>> 8) & 0xff]! ^
      t5[(low >>> 16) & 0xff]! ^
      t4[low >>> 24]! ^
      t3[data[index + 4]!]! ^
      t2[data[index + 5]!]! ^
      t1[data[index + 6]!]! ^
      t0[data[index + 7]!]!
    index += 8
  }
  while (index < end) crc = (crc >>> 8) ^ t0[(crc ^ data[index++]!) & 0xff]!
  return ~crc >>> 0
}
