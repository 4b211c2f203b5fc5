import { LivingDbError } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { sandboxReadGrant } from '../sandbox/sandbox-read-grant.js'
import { startSandboxChannel } from '../sandbox/start-sandbox-channel.js'
import type { CapabilityServer, InvocationScope } from './capability-server.js'
import { startWorkerChannel, type PluginChannel } from './plugin-channel.js'
import { PluginConnection } from './plugin-connection.js'
import type { PluginHostPolicy, PluginRegistration } from './plugin-host-options.js'
import type { PluginLogRecord } from './plugin-status.js'
import type { PluginViolations } from './plugin-violations.js'

/** A registration with its module resolved to a URL. */
export type ResolvedRegistration = PluginRegistration & { readonly moduleUrl: string }

/** Arguments of {@link startPlugin}. */
export interface StartPluginArgs {
  readonly registration: ResolvedRegistration
  readonly policy: PluginHostPolicy
  /** The database directory, kept out of a sandboxed plugin's read grant. */
  readonly databasePath?: string | undefined
  /** The capability server of the plugin, once the host created it. */
  readonly capabilities: () => CapabilityServer | undefined
  readonly violations: PluginViolations
  readonly onLog: (record: PluginLogRecord) => void
  /** The plugin died while idle (crash, exit, liveness); the runner records it and restarts on demand. */
  readonly onIdleExit?: (reason: LivingDbError) => void
}

/** True when a registration (or what its plugin declared) puts the plugin in the sandbox. */
export function isSandboxed(registration: PluginRegistration, manifest?: { readonly trusted: boolean }): boolean {
  return registration.trusted === false || manifest?.trusted === false
}

/**
 * Starts one plugin and resolves once it reported a valid manifest: in a worker thread
 * (trusted) or in the sandbox process (`registration.trusted: false`). A plugin that
 * declares `trusted: false` itself but was registered as trusted is stopped and started
 * again in the sandbox. A sandboxed plugin asking for the network is refused
 * (`PLUGIN_PERMISSION_DENIED`): the sandbox grants none.
 */
export async function startPlugin(args: StartPluginArgs): Promise<PluginConnection<InvocationScope>> {
  const { registration, policy } = args
  const label = registration.moduleUrl
  const sandboxed = isSandboxed(registration)
  const heapLimitMb = registration.heapLimitMb ?? policy.heapLimitMb
  const pluginName = () => args.capabilities()?.plugin ?? label
  // An untrusted plugin must not flood the host's log: its records (log calls, output lines, violations) are rate-limited.
  const onLog = sandboxed ? rateLimitedLog(args.onLog, pluginName) : args.onLog
  const violation = (reported: { readonly action: string; readonly message: string }) => {
    const entry = args.violations.record(reported)
    onLog({ plugin: pluginName(), level: 'warn', message: `refused ${entry.action}: ${entry.message}`, fields: { code: 'PLUGIN_SANDBOX_VIOLATION', action: entry.action } })
  }
  let channel: PluginChannel
  if (sandboxed) {
    const packageDirectory = sandboxReadGrant({ moduleUrl: registration.moduleUrl, ...(args.databasePath === undefined ? {} : { databasePath: args.databasePath }) })
    channel = await startSandboxChannel({
      packageDirectory,
      heapLimitMb,
      memoryLimitMb: registration.memoryLimitMb ?? heapLimitMb * 2 + 128,
    })
  } else {
    channel = startWorkerChannel({ moduleUrl: registration.moduleUrl, heapLimitMb })
  }
  const connection = await PluginConnection.start<InvocationScope>({
    label,
    channel,
    init: {
      kind: 'init',
      moduleUrl: registration.moduleUrl,
      ...(registration.exportName === undefined ? {} : { exportName: registration.exportName }),
      config: (registration.config ?? null) as JsonValue | null,
    },
    loadTimeoutMs: policy.loadTimeoutMs,
    onCapability: async (request) => {
      const server = args.capabilities()
      if (server === undefined) throw new LivingDbError('PLUGIN_HOOK_FAILED', 'A capability was requested before the plugin host finished starting the plugin.')
      try {
        return await server.handle(request)
      } catch (error) {
        // Reaching outside the grants is reported like a sandbox refusal, even if the plugin swallows the error.
        if (LivingDbError.isInstance(error) && error.code === 'PLUGIN_PERMISSION_DENIED') violation({ action: request.name, message: error.message })
        throw error
      }
    },
    onLog: (record) => onLog({ plugin: pluginName(), ...record }),
    onViolation: (reported) => violation(reported),
    liveness: policy.liveness,
    sandboxed,
    ...(args.onIdleExit === undefined ? {} : { onIdleExit: args.onIdleExit }),
  })
  if (!sandboxed && isSandboxed(registration, connection.manifest)) {
    await connection.terminate()
    return startPlugin({ ...args, registration: { ...registration, trusted: false } })
  }
  if (sandboxed && connection.manifest.permissions.network) {
    await connection.terminate()
    throw new LivingDbError('PLUGIN_PERMISSION_DENIED', `Untrusted plugin "${connection.manifest.name}" asks for network access (permissions.network: true); the sandbox grants none. Reach models through permissions.model, or register the plugin as trusted if you trust its code.`, {
      details: { plugin: connection.manifest.name },
    })
  }
  return connection
}

/** Log records a sandboxed plugin may produce per second; the rest are dropped and counted. */
const SANDBOX_LOG_RECORDS_PER_SECOND = 200

/** Passes at most {@link SANDBOX_LOG_RECORDS_PER_SECOND} records a second, then one record saying how many were dropped. */
function rateLimitedLog(onLog: (record: PluginLogRecord) => void, plugin: () => string): (record: PluginLogRecord) => void {
  let windowStart = 0
  let passed = 0
  let dropped = 0
  return (record) => {
    const now = Date.now()
    if (now - windowStart >= 1_000) {
      if (dropped > 0) onLog({ plugin: plugin(), level: 'warn', message: `dropped ${dropped} log records over the limit of ${SANDBOX_LOG_RECORDS_PER_SECOND} a second`, fields: { dropped } })
      windowStart = now
      passed = 0
      dropped = 0
    }
    if (passed < SANDBOX_LOG_RECORDS_PER_SECOND) {
      passed++
      onLog(record)
    } else dropped++
  }
}
