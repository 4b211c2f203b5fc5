import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { LivingDbError } from '../../errors/index.js'
import {
  KEYRING_NAME,
  NPM_PREFIX,
  PluginMarketplace,
  PublisherKeyring,
  authorLine,
  compareVersions,
  consentText,
  createDatabaseActivation,
  describePermissions,
  generatePublisherKey,
  openRegistry,
  packPlugin,
  parsePrivateKey,
  publishToDirectory,
  publishToNpm,
  satisfies,
  type ChangeReport,
  type ConsentRequest,
  type RegistrySource,
} from '../../plugins/marketplace/index.js'
import type { OptionSpec } from '../argument-parser.js'
import { flagOption, stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { packageVersion } from '../package-root.js'

const REGISTRY_OPTION: OptionSpec = { name: 'registry', type: 'string', valueName: 'URL|DIR', description: 'The registry: a directory or http(s) URL of a static registry, or npm:URL for an npm registry (default: $LIVINGDB_REGISTRY; update and reinstall use the registry each plugin came from).' }
const PLUGINS_DIR_OPTION: OptionSpec = { name: 'plugins-dir', type: 'string', valueName: 'DIR', description: 'Where installed plugins, the lockfile and the keyring live (default <db>/plugins).' }
const KEYRING_OPTION: OptionSpec = { name: 'keyring', type: 'string', valueName: 'FILE', description: 'The keyring of trusted publishers (default <plugins-dir>/keyring.json).' }
const CHANGE_OPTIONS: readonly OptionSpec[] = [
  REGISTRY_OPTION,
  { name: 'yes', type: 'boolean', short: 'y', description: 'Consent to the permissions shown without asking (for scripts).' },
  { name: 'allow-untrusted-publisher', type: 'boolean', description: 'Install packages signed by a key that is not in the keyring (the signature is still checked).' },
  { name: 'allow-downgrade', type: 'boolean', description: 'Allow a version older than the lockfile records.' },
  PLUGINS_DIR_OPTION,
  KEYRING_OPTION,
]

function pluginsDirectory(context: CommandContext): string {
  return resolve(stringOption(context, 'plugins-dir') ?? join(context.databasePath, 'plugins'))
}

function marketplace(context: CommandContext): PluginMarketplace {
  const keyring = stringOption(context, 'keyring')
  return new PluginMarketplace({
    pluginsDirectory: pluginsDirectory(context),
    engineVersion: packageVersion(),
    activation: createDatabaseActivation({ databasePath: context.databasePath }),
    ...(keyring === undefined ? {} : { keyringPath: resolve(keyring) }),
    onProgress: (message) => context.output.note(message),
  })
}

function registryLocation(context: CommandContext, required: true): string
function registryLocation(context: CommandContext, required: false): string | undefined
function registryLocation(context: CommandContext, required: boolean): string | undefined {
  const location = stringOption(context, 'registry') ?? context.io.env.LIVINGDB_REGISTRY
  if (location === undefined && required) throw new LivingDbError('CLI_USAGE', 'Say where plugins come from: --registry DIR|URL (a static registry) or --registry npm:URL (an npm registry), or set LIVINGDB_REGISTRY.')
  return location
}

function registry(context: CommandContext): RegistrySource {
  return openRegistry(registryLocation(context, true))
}

/** `{ registry }` when one is given; update and reinstall otherwise use each plugin's recorded registry. */
function registryOverride(context: CommandContext): { registry?: RegistrySource } {
  const location = registryLocation(context, false)
  return location === undefined ? {} : { registry: openRegistry(location) }
}

/** `name`, `name@range`: the range defaults to `*` (the newest version). */
function parseSpec(spec: string): { name: string; range: string } {
  const at = spec.indexOf('@', 1)
  return at === -1 ? { name: spec, range: '*' } : { name: spec.slice(0, at), range: spec.slice(at + 1) || '*' }
}

/** Consent from `--yes`, or a y/N question on a terminal; refused otherwise (the marketplace then says how to consent). */
function consentPrompt(context: CommandContext): (request: ConsentRequest) => Promise<boolean> {
  return async (request) => {
    if (flagOption(context, 'yes')) return true
    const stdin = context.io.stdin as (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined
    if (context.json || stdin === undefined || stdin.isTTY !== true) return false
    for (const line of consentText(request)) context.io.stderr.write(`${line}\n`)
    const verb = request.action === 'update' ? 'Update' : 'Install'
    context.io.stderr.write(`\n${verb} and run ${request.plugins.length === 1 ? 'this plugin' : 'these plugins'} with these permissions? [y/N] `)
    const reader = createInterface({ input: stdin })
    try {
      const answer = await new Promise<string>((resolveAnswer) => {
        reader.once('line', resolveAnswer)
        reader.once('close', () => resolveAnswer(''))
      })
      return /^y(es)?$/i.test(answer.trim())
    } finally {
      reader.close()
    }
  }
}

function printChanges(context: CommandContext, verb: string, report: ChangeReport, lockfile: string): void {
  if (context.json) return context.output.json({ changed: report.changed, unchanged: report.unchanged, lockfile })
  for (const plugin of report.changed) context.output.line(`${verb} ${plugin.name}@${plugin.version}${plugin.previousVersion === undefined ? '' : ` (was ${plugin.previousVersion})`}`)
  for (const name of report.unchanged) context.output.line(`${name} is up to date`)
  if (report.changed.length > 0) context.output.note(`Recorded in ${lockfile}. The database runs ${report.changed.length === 1 ? 'it' : 'them'} in the untrusted sandbox from its next open.`)
}

function changeArgs(context: CommandContext) {
  return { consent: consentPrompt(context), allowUntrustedPublisher: flagOption(context, 'allow-untrusted-publisher'), allowDowngrade: flagOption(context, 'allow-downgrade') }
}

const keygenCommand: CommandDefinition = {
  path: ['plugins', 'keygen'],
  summary: 'Make an Ed25519 publisher key pair for signing plugins.',
  description: 'Writes the private key (PEM, mode 0600) to --out and the public key to <out>.pub, and prints the fingerprint users trust. `openssl genpkey -algorithm ed25519 -out FILE` makes a key that works as well.',
  positionals: [],
  options: [{ name: 'out', type: 'string', valueName: 'FILE', description: 'Where to write the private key (must not exist).' }],
  examples: ['livingdb plugins keygen --out publisher.pem'],
  usesDatabase: false,
  async run(context) {
    const out = stringOption(context, 'out')
    if (out === undefined) throw new LivingDbError('CLI_USAGE', 'livingdb plugins keygen needs --out FILE (where to write the private key).')
    const key = generatePublisherKey()
    try {
      writeFileSync(out, key.privateKeyPem, { flag: 'wx', mode: 0o600 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LivingDbError('INVALID_ARGUMENT', `${out} already exists; keygen never overwrites a key. Choose another --out.`)
      throw error
    }
    writeFileSync(`${out}.pub`, key.publicKeyPem, { mode: 0o644 })
    if (context.json) return context.output.json({ privateKey: resolve(out), publicKey: resolve(`${out}.pub`), fingerprint: key.fingerprint })
    context.output.line(`private key ${out} (keep it secret), public key ${out}.pub`)
    context.output.line(`fingerprint ${key.fingerprint}`)
  },
}

const publishCommand: CommandDefinition = {
  path: ['plugins', 'publish'],
  summary: 'Pack, sign and publish a plugin to a static registry directory or an npm registry.',
  description: [
    'Reads <plugin-dir>/livingdb-plugin.json, packs the files it lists (default: all but dot files and node_modules) with a',
    'generated package.json, signs them with --key (Ed25519) and adds the tarball to the registry directory, or publishes it',
    'to an npm registry with --registry npm:URL (token from --token or $NPM_TOKEN). --out also writes the signed .tgz.',
  ].join('\n'),
  positionals: [{ name: 'plugin-dir', description: 'The plugin directory.', required: true }],
  options: [
    { name: 'registry', type: 'string', valueName: 'DIR|npm:URL', description: 'A static registry directory to publish into (created if missing), or npm:URL.' },
    { name: 'token', type: 'string', valueName: 'TOKEN', description: 'npm access token for npm:URL registries (default $NPM_TOKEN).' },
    { name: 'key', type: 'string', valueName: 'FILE', description: 'The publisher private key (PEM).' },
    { name: 'out', type: 'string', valueName: 'FILE', description: 'Also write the signed tarball here.' },
  ],
  examples: ['livingdb plugins publish ./my-plugin --registry ./registry --key publisher.pem', 'livingdb plugins publish ./my-plugin --registry npm:https://registry.npmjs.org --key publisher.pem --token "$NPM_TOKEN"'],
  usesDatabase: false,
  async run(context) {
    const keyPath = stringOption(context, 'key')
    const registryDirectory = stringOption(context, 'registry')
    const out = stringOption(context, 'out')
    if (keyPath === undefined) throw new LivingDbError('CLI_USAGE', 'livingdb plugins publish needs --key FILE (make one with `livingdb plugins keygen --out FILE`).')
    if (registryDirectory === undefined && out === undefined) throw new LivingDbError('CLI_USAGE', 'livingdb plugins publish needs --registry DIR (a static registry directory) or --out FILE.tgz.')
    const npm = registryDirectory?.startsWith(NPM_PREFIX) === true
    if (registryDirectory !== undefined && /^https?:/.test(registryDirectory)) throw new LivingDbError('CLI_USAGE', 'plugins publish writes a static registry as a directory (serve it with `livingdb registry serve DIR` or any web server), or publishes to npm:URL.')
    const packed = packPlugin({ directory: context.positionals[0]!, privateKey: parsePrivateKey(readFileSync(keyPath, 'utf8'), keyPath) })
    if (out !== undefined) writeFileSync(out, packed.tarball)
    let tarball = out === undefined ? null : resolve(out)
    let registryName: string | null = null
    if (npm) {
      const token = stringOption(context, 'token') ?? context.io.env.NPM_TOKEN
      tarball = (await publishToNpm({ registryUrl: registryDirectory!.slice(NPM_PREFIX.length), packed, ...(token === undefined ? {} : { token }) })).url
      registryName = registryDirectory!
    } else if (registryDirectory !== undefined) {
      tarball = publishToDirectory({ registryDirectory, packed }).tarball
      registryName = resolve(registryDirectory)
    }
    const result = { name: packed.manifest.name, version: packed.manifest.version, integrity: packed.integrity, keyId: packed.signature.keyId, tarball, registry: registryName }
    if (context.json) return context.output.json(result)
    context.output.line(`published ${result.name}@${result.version}${result.registry === null ? '' : ` to ${result.registry}`}`)
    context.output.line(`integrity ${result.integrity}`)
    context.output.line(`signed by ${result.keyId}`)
  },
}

const searchCommand: CommandDefinition = {
  path: ['plugins', 'search'],
  summary: 'Find plugins in a registry by name, description or keyword.',
  description: 'Static registries are searched in their index; npm registries through GET /-/v1/search with keywords:livingdb-plugin. --json prints { results: [{ name, version, description, keywords, publisher }] }.',
  positionals: [{ name: 'text', description: 'Words that must all appear (empty: every plugin).', required: false }],
  options: [REGISTRY_OPTION],
  examples: ['livingdb plugins search pii --registry ./registry', 'livingdb plugins search tags --registry npm:https://registry.npmjs.org --json'],
  usesDatabase: false,
  async run(context) {
    const results = await registry(context).search(context.positionals[0] ?? '')
    if (context.json) return context.output.json({ results })
    if (results.length === 0) return context.output.line('No plugins found.')
    for (const hit of results) context.output.line(`${hit.name}@${hit.version}  ${hit.description}`)
  },
}

const infoCommand: CommandDefinition = {
  path: ['plugins', 'info'],
  summary: 'Show a plugin: versions, author, engine range, dependencies, permissions and publisher trust.',
  description: 'Reads the registry and, when installed, the lockfile. --json prints { name, latest, versions, manifest, permissions, publisher, publisherTrusted, installed }.',
  positionals: [{ name: 'name', description: 'The plugin, optionally name@range.', required: true }],
  options: [REGISTRY_OPTION, PLUGINS_DIR_OPTION, KEYRING_OPTION],
  examples: ['livingdb plugins info pii-scanner --registry ./registry', 'livingdb plugins info topic-tagger@^1 --registry npm:http://127.0.0.1:4873 --json'],
  async run(context) {
    const { name, range } = parseSpec(context.positionals[0]!)
    const source = registry(context)
    const versions = [...(await source.versions(name))].sort((left, right) => compareVersions(right.version, left.version))
    const latest = versions.find((candidate) => satisfies(candidate.version, range))
    if (latest === undefined) throw new LivingDbError('MARKETPLACE_PACKAGE_NOT_FOUND', `No version of ${name} satisfies "${range}". Versions: ${versions.map((candidate) => candidate.version).join(', ')}.`)
    const keyring = PublisherKeyring.open(stringOption(context, 'keyring') ?? join(pluginsDirectory(context), KEYRING_NAME))
    const installed = marketplace(context).list().find((plugin) => plugin.name === name)
    const manifest = latest.manifest
    const result = {
      name,
      latest: latest.version,
      versions: versions.map((candidate) => ({ version: candidate.version, publishedAt: candidate.publishedAt ?? null })),
      manifest,
      permissions: describePermissions(manifest.permissions),
      publisher: latest.keyId ?? null,
      publisherTrusted: latest.keyId === undefined ? null : keyring.isTrusted(latest.keyId),
      installed: installed === undefined ? null : { version: installed.version, integrity: installed.integrity, publisher: installed.publisher },
    }
    if (context.json) return context.output.json(result)
    context.output.line(`${name}@${latest.version}: ${manifest.description}`)
    context.output.line(`author ${authorLine(manifest.author)}, license ${manifest.license}, livingdb ${manifest.engines.livingdb}, plugin API v${manifest.apiVersion}`)
    context.output.line(`versions ${versions.map((candidate) => candidate.version).join(', ')}`)
    if (Object.keys(manifest.dependencies ?? {}).length > 0) context.output.line(`depends on ${Object.entries(manifest.dependencies!).map(([dependency, wanted]) => `${dependency}@${wanted}`).join(', ')}`)
    context.output.line('permissions:')
    for (const line of result.permissions) context.output.line(`  - ${line}`)
    if (result.publisher !== null) context.output.line(`publisher key ${result.publisher} (${result.publisherTrusted ? 'trusted' : 'not trusted: check it with the publisher, then `livingdb plugins trust <fingerprint>`'})`)
    else context.output.line('publisher key: shown by the package signature at install (npm registries do not list it)')
    if (result.installed !== null) context.output.line(`installed ${result.installed.version}`)
  },
}

const installCommand: CommandDefinition = {
  path: ['plugins', 'install'],
  summary: 'Install a plugin (and its dependencies) after verifying it and asking consent; no name reinstalls the lockfile.',
  description: [
    'Resolves the semver range and plugin dependencies, downloads every package, and checks its sha512 integrity, archive,',
    'manifest, Ed25519 signature, publisher key (in the keyring) and engine range. Then it shows the permissions and asks',
    'consent (--yes for scripts), loads the code once in the sandbox to confirm it declares exactly those permissions,',
    'renames the staged files into place, records version, integrity and granted permissions in the lockfile, and',
    'registers the plugins in the database as untrusted (they run in the sandbox). Any failure leaves nothing installed.',
    'Without a name it installs exactly what the lockfile records (a fresh clone), with no new consent.',
  ].join('\n'),
  positionals: [{ name: 'name[@range]', description: 'The plugin and an optional semver range (default: newest).', required: false }],
  options: CHANGE_OPTIONS,
  examples: ['livingdb plugins install pii-scanner --registry ./registry --db ./data', 'livingdb plugins install topic-tagger@^1.0.0 --registry npm:https://registry.npmjs.org --yes --json', 'livingdb plugins install --db ./data'],
  async run(context) {
    const market = marketplace(context)
    const spec = context.positionals[0]
    if (spec === undefined) {
      const report = await market.reinstall({ ...changeArgs(context), ...registryOverride(context) })
      return printChanges(context, 'installed', report, market.lockfilePath)
    }
    const report = await market.install({ ...changeArgs(context), registry: registry(context), requests: [parseSpec(spec)] })
    printChanges(context, 'installed', report, market.lockfilePath)
  },
}

const updateCommand: CommandDefinition = {
  path: ['plugins', 'update'],
  summary: 'Update installed plugins within their ranges; new permissions need new consent.',
  description: 'Updates one plugin (name, or name@range to change its range) or every plugin you installed, from the registry each came from (or --registry). Versions below the lockfile\'s are refused.',
  positionals: [{ name: 'name[@range]', description: 'The plugin to update (default: all).', required: false }],
  options: CHANGE_OPTIONS,
  examples: ['livingdb plugins update --db ./data', 'livingdb plugins update topic-tagger@^2.0.0 --yes --json'],
  async run(context) {
    const market = marketplace(context)
    const spec = context.positionals[0] === undefined ? undefined : parseSpec(context.positionals[0])
    const report = await market.update({
      ...changeArgs(context),
      ...registryOverride(context),
      ...(spec === undefined ? {} : { names: [spec.name], ...(context.positionals[0]!.includes('@', 1) ? { ranges: { [spec.name]: spec.range } } : {}) }),
    })
    printChanges(context, 'updated', report, market.lockfilePath)
  },
}

const uninstallCommand: CommandDefinition = {
  path: ['plugins', 'uninstall'],
  summary: 'Remove a plugin: unregister it, drop it from the lockfile, delete its files (and unneeded dependencies).',
  description: 'Its derived keyspaces and cursor stay in the database. --json prints { removed }.',
  positionals: [{ name: 'name', description: 'The installed plugin.', required: true }],
  options: [PLUGINS_DIR_OPTION, KEYRING_OPTION],
  examples: ['livingdb plugins uninstall pii-scanner --db ./data'],
  async run(context) {
    const result = await marketplace(context).uninstall({ names: [context.positionals[0]!] })
    if (context.json) return context.output.json(result)
    for (const name of result.removed) context.output.line(`uninstalled ${name}`)
  },
}

const trustCommand: CommandDefinition = {
  path: ['plugins', 'trust'],
  summary: "Add a publisher's key (a PEM file or its fingerprint) to the keyring of trusted publishers.",
  description: 'Packages install only when signed by a key in the keyring (or with --allow-untrusted-publisher). Check a fingerprint with its publisher before trusting it. --json prints the keyring entry.',
  positionals: [{ name: 'key-file|fingerprint', description: 'A public (or private) key in PEM, or a 64-hex fingerprint.', required: true }],
  options: [{ name: 'name', type: 'string', valueName: 'LABEL', description: 'A label for the publisher.' }, PLUGINS_DIR_OPTION, KEYRING_OPTION],
  examples: ['livingdb plugins trust publisher.pem.pub --name "Example Org"', 'livingdb plugins trust 3f9a...c2 --db ./data'],
  async run(context) {
    const argument = context.positionals[0]!
    const isFile = existsSync(argument) && statSync(argument).isFile()
    const label = stringOption(context, 'name')
    const entry = marketplace(context).keyring().trust({ keyOrFingerprint: isFile ? readFileSync(argument, 'utf8') : argument, ...(label === undefined ? {} : { name: label }) })
    if (context.json) return context.output.json({ fingerprint: entry.fingerprint, name: entry.name ?? null, addedAt: entry.addedAt })
    context.output.line(`trusted ${entry.fingerprint}${entry.name === undefined ? '' : ` (${entry.name})`}`)
  },
}

/** `livingdb plugins keygen|publish|search|info|install|update|uninstall|trust`: the marketplace. */
export const PLUGINS_MARKETPLACE_COMMANDS: readonly CommandDefinition[] = [searchCommand, infoCommand, installCommand, updateCommand, uninstallCommand, trustCommand, publishCommand, keygenCommand]
