import { encodeValue } from '../../core/codec/index.js'
import type { Cartridge, CartridgeSnapshot } from '../spec/index.js'

const encoder = new TextEncoder()

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/**
 * Every key and value of the cartridge's keyspaces as stored bytes (hex), in key order:
 * `keyspace key-hex value-hex` lines. Two dumps are equal exactly when the stored bytes are.
 */
export function dumpCartridgeKeyspaces(cartridge: Cartridge, snapshot: CartridgeSnapshot): string[] {
  const lines: string[] = []
  for (const name of cartridge.keyspaces) {
    for (const entry of snapshot.keyspace(name).scan()) {
      const key = typeof entry.key === 'string' ? encoder.encode(entry.key) : entry.key
      lines.push(`${name} ${hex(key)} ${hex(encodeValue(entry.value, typeof entry.key === 'string'))}`)
    }
  }
  return lines
}
