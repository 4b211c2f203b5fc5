import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeKeyspaceReader } from './cartridge-storage.js'
import { canonicalFingerprint } from './canonical-fingerprint.js'

/** The key, in a cartridge's first keyspace, of its {@link CartridgeMeta}. */
export const CARTRIDGE_META_KEY = 'meta'

/** What a built index records about how it was built; compared on open. */
export interface CartridgeMeta {
  readonly specificationVersion: 'v1'
  readonly name: string
  readonly formatVersion: number
  readonly modelId: string | null
  /** Canonical JSON of the cartridge's `fingerprint` (its config), or null. */
  readonly fingerprint: string | null
}

/** The meta record the cartridge would write now. */
export function expectedMeta(cartridge: Cartridge): CartridgeMeta {
  return {
    specificationVersion: 'v1',
    name: cartridge.name,
    formatVersion: cartridge.formatVersion,
    modelId: cartridge.modelId ?? null,
    fingerprint: canonicalFingerprint(cartridge.fingerprint),
  }
}

/** Why a stored meta record does not match the cartridge, or undefined when it does. */
export function staleReason(cartridge: Cartridge, stored: unknown): string | undefined {
  if (stored === undefined) return 'never built'
  const expected = expectedMeta(cartridge)
  const meta = stored as Partial<CartridgeMeta>
  if (meta.specificationVersion !== expected.specificationVersion) return `spec version ${String(meta.specificationVersion)} → ${expected.specificationVersion}`
  if (meta.formatVersion !== expected.formatVersion) return `format version ${String(meta.formatVersion)} → ${expected.formatVersion}`
  if ((meta.modelId ?? null) !== expected.modelId) return `model ${String(meta.modelId ?? null)} → ${String(expected.modelId)}`
  if ((meta.fingerprint ?? null) !== expected.fingerprint) return 'config changed'
  return undefined
}

/** Reads the stored meta record of the cartridge's first keyspace. */
export function readMeta(cartridge: Cartridge, keyspace: (name: string) => CartridgeKeyspaceReader): unknown {
  return keyspace(cartridge.keyspaces[0]!).get(CARTRIDGE_META_KEY)
}
