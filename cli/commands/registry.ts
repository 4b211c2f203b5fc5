import { LivingDbError } from '../../errors/index.js'
import { startRegistryServer } from '../../plugins/marketplace/index.js'
import { integerOption, stringOption, type CommandDefinition } from '../command.js'

const serveCommand: CommandDefinition = {
  path: ['registry', 'serve'],
  summary: 'Serve a static plugin registry directory over HTTP (read-only) until Ctrl-C.',
  description: [
    'Serves index.json and the tarballs `livingdb plugins publish` wrote into <dir>, GET and HEAD only, nothing outside',
    'the directory. Give the printed URL to --registry. Any static web server (or an HTTPS CDN) serves the same files.',
    '--json prints { url, port, directory } once listening.',
  ].join('\n'),
  positionals: [{ name: 'dir', description: 'The registry directory.', required: true }],
  options: [
    { name: 'port', type: 'integer', valueName: 'N', minimum: 0, description: 'TCP port (default 7412; 0 picks a free one).' },
    { name: 'host', type: 'string', valueName: 'HOST', description: 'Interface to listen on (default 127.0.0.1).' },
  ],
  examples: ['livingdb registry serve ./registry', 'livingdb registry serve ./registry --port 0 --json'],
  usesDatabase: false,
  async run(context) {
    const directory = context.positionals[0]!
    const port = integerOption(context, 'port') ?? 7412
    const server = await startRegistryServer({ directory, port, host: stringOption(context, 'host') ?? '127.0.0.1' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      throw new LivingDbError('INVALID_ARGUMENT', `Port ${port} is already in use. Pass another --port (0 picks a free one).`, { cause: error })
    })
    try {
      if (context.json) context.output.json({ url: server.url, port: server.port, directory })
      else {
        context.output.line(`livingdb registry serve: serving ${directory} at ${server.url}; Ctrl-C stops`)
        context.output.note(`Install from it with: livingdb plugins install <name> --registry ${server.url}`)
      }
      const signal = context.io.signal
      await new Promise<void>((resolve) => {
        if (signal === undefined) return
        if (signal.aborted) return resolve()
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
    } finally {
      await server.close()
    }
  },
}

/** `livingdb registry serve`. */
export const REGISTRY_COMMANDS: readonly CommandDefinition[] = [serveCommand]
