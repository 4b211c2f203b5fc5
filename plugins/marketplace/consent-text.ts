import type { ConsentRequest } from './plugin-marketplace.js'

/**
 * The consent request as the lines a person reads before answering: each plugin with
 * its version change, author, license, publisher key (trusted or not) and what it may
 * do, marking what is new for an update.
 *
 * @example
 * for (const line of consentText(request)) process.stderr.write(`${line}\n`)
 */
export function consentText(request: ConsentRequest): string[] {
  const asking = request.plugins.filter((plugin) => plugin.needsConsent)
  const lines = [`${asking.length === 1 ? '1 plugin needs' : `${asking.length} plugins need`} your consent before it runs (in the sandbox, with exactly these permissions):`]
  for (const plugin of asking) {
    const change = plugin.previousVersion === undefined ? 'new' : `update from ${plugin.previousVersion}`
    lines.push('', `  ${plugin.name} ${plugin.version} (${change}): ${plugin.description}`)
    lines.push(`    by ${plugin.author}, ${plugin.license}; publisher key ${plugin.publisher} (${plugin.publisherTrusted ? 'trusted' : 'NOT in your keyring'})`)
    if (plugin.previousVersion === undefined) {
      lines.push('    it may:', ...plugin.permissionLines.map((line) => `      - ${line}`))
    } else {
      lines.push('    it now also asks to:', ...(plugin.newPermissionLines.length === 0 ? ['      (nothing new; its publisher is no longer trusted)'] : plugin.newPermissionLines.map((line) => `      - ${line}`)))
      lines.push('    all it may do after the update:', ...plugin.permissionLines.map((line) => `      - ${line}`))
    }
  }
  return lines
}
