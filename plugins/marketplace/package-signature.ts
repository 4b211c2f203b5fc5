import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { MarketplaceError } from './marketplace-error.js'
import type { PackageFile } from './plugin-tarball.js'

/** The detached signature file inside every package (it signs all the other files). */
export const SIGNATURE_FILE = 'livingdb-plugin.sig'

/** The parsed {@link SIGNATURE_FILE}. */
export interface PackageSignature {
  readonly format: 'livingdb-plugin-signature'
  readonly version: 1
  readonly algorithm: 'ed25519'
  /** The publisher key's fingerprint (see {@link keyFingerprint}). */
  readonly keyId: string
  /** The publisher's public key, PEM (SPKI). Trust is decided by its fingerprint. */
  readonly publicKey: string
  /** Ed25519 signature over {@link signaturePayload}, base64. */
  readonly signature: string
  /** The content digest that was signed (`sha512-...`). */
  readonly contentDigest: string
}

const signatureSchema = z
  .object({
    format: z.literal('livingdb-plugin-signature'),
    version: z.literal(1),
    algorithm: z.literal('ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    publicKey: z.string().max(1_000),
    signature: z.string().max(200),
    contentDigest: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/),
  })
  .strict()

/** `sha512-<base64>` of some bytes: npm's `dist.integrity` format (Subresource Integrity). */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`
}

/**
 * The sha512 entry of an SRI string (npm's `dist.integrity` may list several hashes),
 * or undefined when it has none.
 */
export function sha512Of(integrity: string): string | undefined {
  return integrity.split(/\s+/).find((entry) => /^sha512-[A-Za-z0-9+/]{86}==$/.test(entry))
}

/** Throws `MARKETPLACE_INTEGRITY_MISMATCH` unless `bytes` hash to `expected` (sha512 SRI). */
export function checkIntegrity(args: { readonly bytes: Uint8Array; readonly expected: string; readonly what: string }): string {
  const expected = sha512Of(args.expected)
  const actual = integrityOf(args.bytes)
  if (expected === undefined || expected !== actual) {
    throw new MarketplaceError('MARKETPLACE_INTEGRITY_MISMATCH', `${args.what}: the downloaded package does not match its integrity (expected ${expected ?? `a sha512 hash, got ${JSON.stringify(args.expected.slice(0, 100))}`}, got ${actual}). It was altered or damaged in transit or on the registry; nothing was installed.`, {
      details: { expected: args.expected, actual },
    })
  }
  return actual
}

/** The fingerprint of an Ed25519 public key: sha256 over its SPKI DER encoding, lower-case hex. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')
}

function keyInvalid(where: string, reason: string): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_KEY_INVALID', `${where} is not a usable Ed25519 key: ${reason}. Make one with \`livingdb plugins keygen --out publisher.pem\` or \`openssl genpkey -algorithm ed25519 -out publisher.pem\`.`, { details: { where } })
}

function parseKey(pem: string, where: string, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject
  try {
    key = kind === 'private' ? createPrivateKey({ key: pem, format: 'pem' }) : createPublicKey({ key: pem, format: 'pem' })
  } catch (error) {
    throw keyInvalid(where, (error as Error).message)
  }
  if (key.asymmetricKeyType !== 'ed25519') throw keyInvalid(where, `it is a ${key.asymmetricKeyType ?? 'symmetric'} key`)
  return key
}

/** Reads an Ed25519 private key from PEM text (PKCS#8, as openssl and `plugins keygen` write it). */
export function parsePrivateKey(pem: string, where: string): KeyObject {
  return parseKey(pem, where, 'private')
}

/** Reads an Ed25519 public key from PEM text; a private key yields its public half. */
export function parsePublicKey(pem: string, where: string): KeyObject {
  return parseKey(pem, where, 'public')
}

/** A new publisher key pair, PEM encoded, with its fingerprint. */
export function generatePublisherKey(): { readonly privateKeyPem: string; readonly publicKeyPem: string; readonly fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  }
}

/**
 * A digest of every file of a package except the signature file: sha512 over the
 * sorted lines `<path> NUL <sha512 hex of the file> LF`. Tar metadata is not covered;
 * it never reaches the disk (modes are normalised on extraction).
 */
export function contentDigest(files: Iterable<PackageFile>): string {
  const lines = [...files]
    .filter((file) => file.path !== SIGNATURE_FILE)
    .map((file) => `${file.path}\0${createHash('sha512').update(file.data).digest('hex')}\n`)
    .sort()
  const hash = createHash('sha512')
  for (const line of lines) hash.update(line)
  return `sha512-${hash.digest('base64')}`
}

/** The exact bytes a publisher signs: format tag, name, version and content digest. */
export function signaturePayload(args: { readonly name: string; readonly version: string; readonly contentDigest: string }): Uint8Array {
  return new TextEncoder().encode(`livingdb-plugin-signature/v1\n${args.name}\n${args.version}\n${args.contentDigest}\n`)
}

/** Signs a package's files (all but the signature file) as `name@version`; returns the signature file's text. */
export function signPackage(args: { readonly files: Iterable<PackageFile>; readonly name: string; readonly version: string; readonly privateKey: KeyObject }): string {
  const digest = contentDigest(args.files)
  const publicKey = createPublicKey(args.privateKey)
  const signature: PackageSignature = {
    format: 'livingdb-plugin-signature',
    version: 1,
    algorithm: 'ed25519',
    keyId: keyFingerprint(publicKey),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, signaturePayload({ name: args.name, version: args.version, contentDigest: digest }), args.privateKey).toString('base64'),
    contentDigest: digest,
  }
  return `${JSON.stringify(signature, null, 2)}\n`
}

/**
 * Verifies the signature file of an unpacked package for `name@version`: present, well
 * formed, its key matching its key id, the content digest matching the files, and the
 * Ed25519 signature valid. Returns the signature (trust in its key is checked by the
 * caller against the keyring). `MARKETPLACE_SIGNATURE_MISSING` / `_INVALID` otherwise.
 */
export function verifyPackageSignature(args: { readonly files: ReadonlyMap<string, PackageFile>; readonly name: string; readonly version: string }): PackageSignature {
  const what = `${args.name}@${args.version}`
  const file = args.files.get(SIGNATURE_FILE)
  if (file === undefined) {
    throw new MarketplaceError('MARKETPLACE_SIGNATURE_MISSING', `${what} carries no publisher signature (${SIGNATURE_FILE}). Unsigned plugins cannot be installed; ask the publisher to publish with \`livingdb plugins publish --key\`.`, { details: { plugin: args.name, version: args.version } })
  }
  const bad = (reason: string) =>
    new MarketplaceError('MARKETPLACE_SIGNATURE_INVALID', `${what}: the publisher signature is invalid (${reason}). The package was altered after signing or signed by someone else; nothing was installed.`, { details: { plugin: args.name, version: args.version, reason } })
  let parsed: PackageSignature
  try {
    parsed = signatureSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.data))) as PackageSignature
  } catch {
    throw bad(`${SIGNATURE_FILE} is not a livingdb signature document`)
  }
  let publicKey: KeyObject
  try {
    publicKey = parsePublicKey(parsed.publicKey, SIGNATURE_FILE)
  } catch {
    throw bad('its public key is not an Ed25519 key')
  }
  if (keyFingerprint(publicKey) !== parsed.keyId) throw bad('its key id is not the fingerprint of its public key')
  const digest = contentDigest(args.files.values())
  if (digest !== parsed.contentDigest) throw bad('the files do not match the signed content digest')
  const signature = Buffer.from(parsed.signature, 'base64')
  if (signature.length !== 64 || !verify(null, signaturePayload({ name: args.name, version: args.version, contentDigest: digest }), publicKey, signature)) throw bad(`the Ed25519 signature does not verify for ${what}`)
  return parsed
}
