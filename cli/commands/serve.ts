import { LivingDbError } from '../../errors/index.js'
import { DEFAULT_LIMITS, DEFAULT_PORT, startServer, TokenStore } from '../../server/index.js'
import { integerOption, stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { openAskSession, openLivingSession, type AskSession } from './ask-session.js'

const serveCommand: CommandDefinition = {
  path: ['serve'],
  summary: 'Serve the database over HTTP (records, scan, commit stream, ask) with token auth.',
  description: [
    'Starts the HTTP API on --host (default 127.0.0.1) and --port (default 7411) and runs until',
    'Ctrl-C. Every route except /v1/health and /v1/openapi.json needs a bearer token from',
    '`livingdb tokens create`. The API is described at /v1/openapi.json and in docs/server.md.',
    'The server holds the database lock; `livingdb tokens` still works while it runs.',
  ].join('\n'),
  positionals: [],
  options: [
    { name: 'port', type: 'integer', valueName: 'N', minimum: 0, description: `TCP port (default ${DEFAULT_PORT}; 0 picks a free one).` },
    { name: 'host', type: 'string', valueName: 'HOST', description: 'Interface to listen on (default 127.0.0.1; anything else is reachable from the network over plain HTTP).' },
    { name: 'rate-limit', type: 'integer', valueName: 'N', minimum: 0, description: 'Requests per second per token, bursts of 2N (default 20; 0 turns the limit off).' },
    { name: 'max-body-bytes', type: 'integer', valueName: 'N', minimum: 1, description: `Largest request body (default ${DEFAULT_LIMITS.maxBodyBytes}).` },
    { name: 'max-streams', type: 'integer', valueName: 'N', minimum: 1, description: `Open /v1/commits streams at once (default ${DEFAULT_LIMITS.maxStreams}).` },
  ],
  examples: ['livingdb tokens create --scope read --db ./data && livingdb serve --db ./data', 'livingdb serve --port 0 --json --db ./data'],
  async run(context) {
    return serve(context)
  },
}

async function serve(context: CommandContext): Promise<number> {
  const rate = integerOption(context, 'rate-limit') ?? 20
  const living = await openLivingSession({ path: context.databasePath, env: context.io.env, durability: 'group' })
  const db = living.db
  let session: AskSession | undefined
  try {
    session = await openAskSession({ db, model: living.model, progress: context.output.progress({ label: 'indexing' }) })
    const tokens = new TokenStore({ databasePath: context.databasePath })
    const server = await startServer({
      db,
      tokens,
      ask: session.askFunction,
      protectedKeyspaces: session.cartridges.flatMap(cartridge => cartridge.keyspaces),
      host: stringOption(context, 'host') ?? '127.0.0.1',
      port: integerOption(context, 'port') ?? DEFAULT_PORT,
      rateLimit: rate === 0 ? false : { requestsPerSecond: rate, burst: rate * 2 },
      limits: {
        ...(integerOption(context, 'max-body-bytes') === undefined ? {} : { maxBodyBytes: integerOption(context, 'max-body-bytes')! }),
        ...(integerOption(context, 'max-streams') === undefined ? {} : { maxStreams: integerOption(context, 'max-streams')! }),
      },
      onUnexpectedError: error => context.io.stderr.write(`livingdb serve: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    })
    try {
      if (context.json) {
        context.output.json({ url: server.url, host: server.host, port: server.port, database: context.databasePath, tokens: tokens.list().length, ask: true, model: living.modelId })
      } else {
        context.output.line(`livingdb serve: listening on ${server.url} (database ${context.databasePath}); Ctrl-C stops`)
        context.output.note(`API description: ${server.url}/v1/openapi.json`)
        if (tokens.list().length === 0) context.output.note(`No API tokens yet: create one with \`livingdb tokens create --scope read --db ${context.databasePath}\`.`)
      }
      await waitForAbort(context.io.signal)
      context.output.note('livingdb serve: stopping')
    } finally {
      await server.close()
    }
  } catch (error) {
    if (LivingDbError.isInstance(error) || !isAddressInUse(error)) throw error
    throw new LivingDbError('INVALID_ARGUMENT', `Port ${integerOption(context, 'port') ?? DEFAULT_PORT} is already in use. Pass another --port (0 picks a free one).`, { cause: error })
  } finally {
    await session?.close()
    await living.close()
  }
  return 0
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {})
  if (signal.aborted) return Promise.resolve()
  return new Promise(resolve => signal.addEventListener('abort', () => resolve(), { once: true }))
}

/** `livingdb serve`. */
export const SERVE_COMMANDS: readonly CommandDefinition[] = [serveCommand]
