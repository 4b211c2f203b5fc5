import { describe, expect, it } from 'vitest'
import { crc32c } from './crc32c.js'

function bitwise(data: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of data) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return ~crc >>> 0
}

describe('crc32c', () => {
  it('matches the RFC 3720 check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
  })

  it('agrees with a bitwise reference on every length and offset, and chains', () => {
    const data = new Uint8Array(97)
    for (let index = 0; index < data.length; index++) data[index] = (index * 131 + 7) & 0xff
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end++) {
        expect(crc32c(data, start, end)).toBe(bitwise(data.subarray(start, end)))
      }
    }
    expect(crc32c(data, 40, 97, crc32c(data, 0, 40))).toBe(crc32c(data))
  })
})
