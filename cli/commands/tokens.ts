import { usageError } from '../argument-parser.js'
import { stringOption, type CommandDefinition } from '../command.js'
import { TOKEN_SCOPES, TokenStore, type TokenScope } from '../../server/index.js'

const createCommand: CommandDefinition = {
  path: ['tokens', 'create'],
  summary: 'Create an API token for `livingdb serve` (shown once).',
  description: [
    'Creates a bearer token for the HTTP API and prints it once; only its SHA-256 hash is kept, in',
    '<db>/server/tokens.json. Scopes: read (get, scan, ask, commits), write (also put and delete),',
    'admin (also the sys keyspace and token management). Works while the server runs; the server',
    'accepts the new token on its next request.',
  ].join('\n'),
  positionals: [],
  options: [
    { name: 'scope', type: 'string', valueName: 'SCOPE', description: 'read, write or admin (required).' },
    { name: 'name', type: 'string', valueName: 'NAME', description: 'A unique label (default <scope>-token).' },
  ],
  examples: ['livingdb tokens create --scope read --name dashboard --db ./data', 'TOKEN=$(livingdb tokens create --scope write --json | jq -r .token)'],
  async run(context) {
    const scope = stringOption(context, 'scope')
    if (scope === undefined || !TOKEN_SCOPES.includes(scope as TokenScope)) {
      throw usageError(`"livingdb tokens create" needs --scope read, write or admin${scope === undefined ? '' : ` (got "${scope}")`}.`, 'tokens create')
    }
    const name = stringOption(context, 'name')
    const created = new TokenStore({ databasePath: context.databasePath }).create({ scope: scope as TokenScope, ...(name === undefined ? {} : { name }) })
    if (context.json) {
      context.output.json({ ...created.record, token: created.token })
      return 0
    }
    context.output.line(created.token)
    context.output.note(`Created ${created.record.scope} token ${created.record.id} (${created.record.name}). It is shown only now: store it. Send it as Authorization: Bearer <token>.`)
    return 0
  },
}

const listCommand: CommandDefinition = {
  path: ['tokens', 'list'],
  summary: 'List API tokens (id, name, scope, created; never the secrets).',
  positionals: [],
  options: [],
  examples: ['livingdb tokens list --db ./data'],
  async run(context) {
    const tokens = new TokenStore({ databasePath: context.databasePath }).list()
    if (context.json) {
      context.output.json({ tokens })
      return 0
    }
    if (tokens.length === 0) context.output.note('No API tokens. Create one with `livingdb tokens create --scope read`.')
    for (const token of tokens) context.output.line(`${token.id}  ${token.scope.padEnd(5)}  ${token.createdAt}  ${token.name}`)
    return 0
  },
}

const revokeCommand: CommandDefinition = {
  path: ['tokens', 'revoke'],
  summary: 'Revoke an API token by id or name; a running server refuses it at once.',
  positionals: [{ name: 'token', description: 'The token id (tok_…) or name.', required: true }],
  options: [],
  examples: ['livingdb tokens revoke dashboard --db ./data', 'livingdb tokens revoke tok_3f9a0c2d18be'],
  async run(context) {
    const revoked = new TokenStore({ databasePath: context.databasePath }).revoke(context.positionals[0]!)
    if (context.json) context.output.json({ revoked })
    else context.output.line(`revoked ${revoked.id} (${revoked.name}, ${revoked.scope})`)
    return 0
  },
}

/** `livingdb tokens create|list|revoke`. */
export const TOKENS_COMMANDS: readonly CommandDefinition[] = [createCommand, listCommand, revokeCommand]
