import { createHash } from 'node:crypto'
import { MarketplaceError } from './marketplace-error.js'
import type { PackedPlugin } from './publish-plugin.js'

/** Arguments of {@link publishToNpm}. */
export interface PublishToNpmArgs {
  /** The registry root (`https://registry.npmjs.org`). */
  readonly registryUrl: string
  readonly packed: PackedPlugin
  /** An npm access token (sent as `Authorization: Bearer`). */
  readonly token?: string
  /** Default 60,000 ms. */
  readonly timeoutMs?: number
}

/**
 * The body npm's publish endpoint (`PUT /<name>`) takes, as the npm CLI sends it: the
 * version's package.json with `dist` (integrity, shasum, tarball URL), `dist-tags.latest`,
 * and the tarball base64-encoded under `_attachments`.
 */
export function npmPublishDocument(args: { readonly registryUrl: string; readonly packed: PackedPlugin }): Record<string, unknown> {
  const { manifest, tarball, integrity, packageJson } = args.packed
  const base = args.registryUrl.replace(/\/+$/, '')
  const file = `${manifest.name}-${manifest.version}.tgz`
  return {
    _id: manifest.name,
    name: manifest.name,
    description: manifest.description,
    'dist-tags': { latest: manifest.version },
    versions: {
      [manifest.version]: {
        ...packageJson,
        _id: `${manifest.name}@${manifest.version}`,
        dist: { integrity, shasum: createHash('sha1').update(tarball).digest('hex'), tarball: `${base}/${manifest.name}/-/${file}` },
      },
    },
    access: 'public',
    _attachments: { [file]: { content_type: 'application/octet-stream', data: Buffer.from(tarball).toString('base64'), length: tarball.length } },
  }
}

/**
 * Publishes a packed plugin to an npm registry (what `npm publish` does): the tarball is
 * the signed one, so installers verify npm's integrity and then our signature. A version
 * the registry already has is `MARKETPLACE_VERSION_EXISTS`; other refusals and network
 * failures are `MARKETPLACE_REGISTRY_UNREACHABLE` with the registry's answer.
 */
export async function publishToNpm(args: PublishToNpmArgs): Promise<{ readonly url: string }> {
  const { manifest } = args.packed
  const url = `${args.registryUrl.replace(/\/+$/, '')}/${encodeURIComponent(manifest.name)}`
  let response: Response
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'npm-command': 'publish', ...(args.token === undefined ? {} : { authorization: `Bearer ${args.token}` }) },
      body: JSON.stringify(npmPublishDocument({ registryUrl: args.registryUrl, packed: args.packed })),
      signal: AbortSignal.timeout(args.timeoutMs ?? 60_000),
    })
  } catch (error) {
    throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `Could not reach the npm registry at ${url}: ${(error as Error).message}. Check the address and retry.`, { details: { url }, cause: error })
  }
  const answer = (await response.text().catch(() => '')).slice(0, 500)
  if (response.status === 409 || (response.status === 403 && /previously published|cannot publish over/i.test(answer))) {
    throw new MarketplaceError('MARKETPLACE_VERSION_EXISTS', `${manifest.name}@${manifest.version} is already on ${args.registryUrl}; published versions never change. Bump "version" and publish again.`, { details: { plugin: manifest.name, version: manifest.version } })
  }
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ' Pass an npm access token with --token (or NPM_TOKEN).' : ''
    throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `The npm registry refused the publish of ${manifest.name}@${manifest.version} (HTTP ${response.status}: ${answer}).${hint}`, { details: { url, status: response.status } })
  }
  return { url }
}
