/** Which records a cartridge derives from: a keyspace and an optional key prefix. */
export interface CartridgeSource {
  /** `default` for the app's records. */
  readonly keyspace: string
  /** Only keys starting with this prefix (all keys when absent or ''). */
  readonly prefix?: string
}
