/**
 * Every stable error code livingdb can raise, with the area that owns it.
 *
 * Codes are part of the public contract: scripts match on them. A code is never
 * renamed or reused once released; a retired code stays here with `retired: true`.
 * Add new codes at the end of their area.
 */
export const ERROR_CODES = {
  // core: storage engine
  DB_LOCKED: { area: 'core', description: 'Another process holds the database lock.' },
  DB_CLOSED: { area: 'core', description: 'The database handle was closed.' },
  WRITE_BUSY: { area: 'core', description: 'A write transaction is active and the caller asked not to wait.' },
  KEY_TOO_LARGE: { area: 'core', description: 'A key exceeds the documented maximum key size.' },
  VALUE_TOO_LARGE: { area: 'core', description: 'A value exceeds the documented maximum value size.' },
  INVALID_KEY: { area: 'core', description: 'A key is not a string or Uint8Array, or is empty.' },
  INVALID_VALUE: { area: 'core', description: 'A value is not JSON-serialisable or a Uint8Array.' },
  INVALID_ARGUMENT: { area: 'core', description: 'An option or argument has the wrong type or range.' },
  TXN_NOT_FOUND: { area: 'core', description: 'The requested transaction id is not in the database history.' },
  TXN_FINISHED: { area: 'core', description: 'A transaction object was used after its write() callback returned.' },
  CORRUPT_PAGE: { area: 'core', description: 'A page failed its checksum or structural decode.' },
  CORRUPT_LOG: { area: 'core', description: 'A commit-log record in the middle of the log is damaged.' },
  CORRUPT_META: { area: 'core', description: 'Neither meta page is valid.' },
  TREE_INVARIANT: { area: 'core', description: 'A B+tree invariant does not hold (found by checkValid).' },
  IO_ERROR: { area: 'core', description: 'The operating system reported a read, write or fsync failure.' },
  FORMAT_UNSUPPORTED: { area: 'core', description: 'The files were written by an incompatible format version.' },
  KEYSPACE_INVALID: { area: 'core', description: 'A keyspace name is empty, too long or reserved.' },
  // llm: model layer
  MODEL_OUTPUT_INVALID: { area: 'llm', description: 'The model reply did not match the requested schema after all repair attempts.' },
  MODEL_CALL_FAILED: { area: 'llm', description: 'A provider call failed (HTTP error, timeout, malformed body).' },
  MODEL_NOT_FOUND: { area: 'llm', description: 'The model id names an unknown provider or a model the provider rejected.' },
  MODEL_AUTH_FAILED: { area: 'llm', description: 'The provider rejected the credentials (401/403).' },
  MODEL_RATE_LIMITED: { area: 'llm', description: 'The provider or the local rate limiter refused the call (429).' },
  MODEL_TIMEOUT: { area: 'llm', description: 'The provider did not answer in time.' },
  MODEL_ABORTED: { area: 'llm', description: 'The caller aborted the call.' },
  MODEL_CONFIG_INVALID: { area: 'llm', description: 'A model id, base URL or provider option is malformed or missing.' },
  BUDGET_EXCEEDED: { area: 'llm', description: 'The call would exceed a token or money budget; nothing was spent.' },
  LEDGER_MISS: { area: 'llm', description: 'Replay mode found no recorded response for this request.' },
  AUDIT_INVALID: { area: 'llm', description: 'The audit log hash chain is broken.' },
  RATE_LIMIT_QUEUE_FULL: { area: 'llm', description: 'The rate limiter wait queue is full.' },
  GUARD_STORE_CORRUPT: { area: 'llm', description: 'A guard store file (ledger, budget counters, audit log) has a damaged record before its last line.' },
  // cli
  CLI_USAGE: { area: 'cli', description: 'The command line was not understood.' },
  IMPORT_INVALID: { area: 'cli', description: 'An import file line is not a {"key", "value"} JSON object.' },
  KEY_NOT_FOUND: { area: 'cli', description: 'The command asked for a key that holds no value.' },
  UNEXPECTED_ERROR: { area: 'cli', description: 'An error livingdb did not anticipate (a bug); the message says what failed.' },
  DB_NOT_FOUND: { area: 'cli', description: 'The database directory given to a reading command does not exist.' },
  NOT_IMPLEMENTED: { area: 'core', description: 'The feature is not built yet.' },
  // plugins: plugin spec and host
  PLUGIN_INVALID: { area: 'plugins', description: 'A plugin definition or registration is malformed (name, version, apiVersion, permissions, hooks).' },
  PLUGIN_CONFIG_INVALID: { area: 'plugins', description: "The config given to a plugin does not match its configSchema." },
  PLUGIN_PERMISSION_DENIED: { area: 'plugins', description: 'A plugin read or wrote outside the keyspaces and prefixes it was granted.' },
  PLUGIN_LOAD_FAILED: { area: 'plugins', description: 'The plugin module could not be imported or exports no plugin definition.' },
  PLUGIN_HOOK_FAILED: { area: 'plugins', description: 'A plugin hook threw or returned a malformed result.' },
  PLUGIN_HOOK_TIMEOUT: { area: 'plugins', description: 'A plugin hook did not finish within its timeout; the plugin was terminated.' },
  PLUGIN_CRASHED: { area: 'plugins', description: 'A plugin worker exited, ran out of memory or crashed while a hook was running.' },
  PLUGIN_NOT_FOUND: { area: 'plugins', description: 'No plugin with that name is registered with the host.' },
  PLUGIN_HALTED: { area: 'plugins', description: 'A plugin stopped after a batch was dead-lettered under the halt policy.' },
  PLUGIN_HOST_CLOSED: { area: 'plugins', description: 'The plugin host was closed.' },
  PLUGIN_SANDBOX_VIOLATION: { area: 'plugins', description: 'An untrusted plugin tried something its sandbox forbids (files, network, processes, environment, signals).' },
  // cartridges: cartridge spec and runtime
  CARTRIDGE_INVALID: { area: 'cartridges', description: 'A cartridge definition is malformed (name, version, keyspaces, sources, queries).' },
  CARTRIDGE_PERMISSION_DENIED: { area: 'cartridges', description: 'A cartridge read or wrote a keyspace it does not own.' },
  CARTRIDGE_APPLY_FAILED: { area: 'cartridges', description: 'A cartridge apply threw; its batch was rolled back and the cursor did not move.' },
  CARTRIDGE_QUERY_NOT_FOUND: { area: 'cartridges', description: 'The cartridge has no query operation with that name.' },
  CARTRIDGE_QUERY_INVALID: { area: 'cartridges', description: 'The input (or output) of a cartridge query does not match its schema.' },
  CARTRIDGE_STALE: { area: 'cartridges', description: 'The stored index was built with another format, model or config and must be rebuilt.' },
  CARTRIDGE_NOT_FOUND: { area: 'cartridges', description: 'No cartridge with that name is attached to the database (or known to the command line).' },
  CARTRIDGES_CLOSED: { area: 'cartridges', description: 'The attached cartridges were closed (or their database was).' },
  // queries: plans, planners, ask()
  QUERY_INVALID: { area: 'queries', description: 'The arguments of ask() are malformed (empty question, bad option).' },
  QUERY_PLAN_INVALID: { area: 'queries', description: 'A query plan is malformed or names keyspaces, prefixes, fields or cartridges that do not exist.' },
  QUERY_ABORTED: { area: 'queries', description: 'The caller aborted the question.' },
  // server: the HTTP API (`livingdb serve`)
  AUTH_REQUIRED: { area: 'server', description: 'The request carries no bearer token (Authorization: Bearer <token>).' },
  AUTH_INVALID: { area: 'server', description: 'The bearer token is unknown, malformed or revoked.' },
  SCOPE_DENIED: { area: 'server', description: "The token's scope (read, write, admin) does not allow this request." },
  RATE_LIMITED: { area: 'server', description: 'The token sent more requests than its rate limit allows; retry after the Retry-After seconds.' },
  REQUEST_TOO_LARGE: { area: 'server', description: 'The request body is larger than the server accepts.' },
  REQUEST_INVALID: { area: 'server', description: 'The request body or a query parameter is malformed.' },
  ROUTE_NOT_FOUND: { area: 'server', description: 'No API route has this path (see /v1/openapi.json).' },
  METHOD_NOT_ALLOWED: { area: 'server', description: 'The route exists but not with this HTTP method (the Allow header lists the methods).' },
  SERVER_BUSY: { area: 'server', description: 'The server is at its limit of open commit streams; retry later.' },
  TOKEN_NOT_FOUND: { area: 'server', description: 'No API token has that id or name.' },
  TOKEN_STORE_INVALID: { area: 'server', description: 'The API token file is damaged or was written by an incompatible version.' },
} as const satisfies Record<string, { area: string; description: string; retired?: boolean }>

/** A stable livingdb error code. */
export type ErrorCode = keyof typeof ERROR_CODES
