import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { writeFileAtomic } from './atomic-file.js'
import { MarketplaceError } from './marketplace-error.js'
import { keyFingerprint, parsePublicKey } from './package-signature.js'

/** One trusted publisher key. */
export interface TrustedKey {
  /** sha256 of the key's SPKI DER, hex (what `livingdb plugins trust` prints). */
  readonly fingerprint: string
  /** The public key, PEM, when it was trusted from a key file. */
  readonly publicKey?: string
  /** A label for people. */
  readonly name?: string
  readonly addedAt: string
}

const keyringSchema = z
  .object({
    format: z.literal('livingdb-keyring'),
    version: z.literal(1),
    keys: z.array(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), publicKey: z.string().optional(), name: z.string().optional(), addedAt: z.string() }).strict()),
  })
  .strict()

/**
 * The keyring of trusted publishers: a JSON file of key fingerprints. A package installs
 * only when its signature verifies AND its key's fingerprint is here (or the user passes
 * `--allow-untrusted-publisher`).
 *
 * @example
 * const keyring = PublisherKeyring.open('./data/plugins/keyring.json')
 * keyring.trust({ keyOrFingerprint: readFileSync('publisher.pub.pem', 'utf8') })
 * keyring.isTrusted(fingerprint) // true
 */
export class PublisherKeyring {
  readonly #path: string
  #keys: TrustedKey[]

  private constructor(path: string, keys: TrustedKey[]) {
    this.#path = path
    this.#keys = keys
  }

  /** Reads the keyring file (an empty keyring when it does not exist). `MARKETPLACE_LOCKFILE_INVALID` when damaged. */
  static open(path: string): PublisherKeyring {
    if (!existsSync(path)) return new PublisherKeyring(path, [])
    let parsed: z.infer<typeof keyringSchema>
    try {
      parsed = keyringSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
    } catch (error) {
      throw new MarketplaceError('MARKETPLACE_LOCKFILE_INVALID', `The keyring ${path} is damaged (${(error as Error).message.slice(0, 300)}). Restore it from a backup or delete it and trust your publishers again.`, { details: { path } })
    }
    return new PublisherKeyring(path, parsed.keys.map((key) => ({ ...key })))
  }

  get path(): string {
    return this.#path
  }

  /** Every trusted key. */
  list(): readonly TrustedKey[] {
    return this.#keys
  }

  isTrusted(fingerprint: string): boolean {
    return this.#keys.some((key) => key.fingerprint === fingerprint)
  }

  /**
   * Trusts a publisher: `keyOrFingerprint` is PEM text (public or private key; only the
   * public half is stored) or a 64-hex fingerprint. Saves the keyring atomically and
   * returns the entry. `MARKETPLACE_KEY_INVALID` for anything else.
   */
  trust(args: { readonly keyOrFingerprint: string; readonly name?: string; readonly now?: Date }): TrustedKey {
    const text = args.keyOrFingerprint.trim()
    let entry: TrustedKey
    if (/^[0-9a-fA-F]{64}$/.test(text)) {
      entry = { fingerprint: text.toLowerCase(), addedAt: (args.now ?? new Date()).toISOString(), ...(args.name === undefined ? {} : { name: args.name }) }
    } else if (text.includes('-----BEGIN')) {
      const publicKey = parsePublicKey(text, 'the key')
      entry = { fingerprint: keyFingerprint(publicKey), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), addedAt: (args.now ?? new Date()).toISOString(), ...(args.name === undefined ? {} : { name: args.name }) }
    } else {
      throw new MarketplaceError('MARKETPLACE_KEY_INVALID', 'Trust needs an Ed25519 key file (PEM) or a key fingerprint (64 hex characters, as `livingdb plugins info` and `keygen` print it).')
    }
    this.#keys = [...this.#keys.filter((key) => key.fingerprint !== entry.fingerprint), entry]
    writeFileAtomic(this.#path, `${JSON.stringify({ format: 'livingdb-keyring', version: 1, keys: this.#keys }, null, 2)}\n`)
    return entry
  }
}
