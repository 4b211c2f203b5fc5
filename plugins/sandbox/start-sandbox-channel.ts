import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants, setPriority, tmpdir } from 'node:os'
import type { ChannelExit, PluginChannel } from '../host/plugin-channel.js'
import { sandboxProgram } from './sandbox-program.js'

/** Arguments of {@link startSandboxChannel}. */
export interface SandboxChannelArgs {
  /** The directory the plugin may read (its package), from `sandboxReadGrant`. */
  readonly packageDirectory: string
  /** V8 heap limit of the sandbox process, MB. */
  readonly heapLimitMb: number
  /** Resident memory limit (heap, buffers, code), MB; checked every `watchIntervalMs` on Linux. */
  readonly memoryLimitMb: number
  /** How often the memory watchdog samples the process, ms. Default 100. */
  readonly watchIntervalMs?: number
}

const PAGE_SIZE = 4_096

/** The `node` flags of a sandbox process: the permission model with read access to `readPaths` only. */
export function sandboxFlags(args: { readonly readPaths: readonly string[]; readonly heapLimitMb: number }): string[] {
  return [
    '--experimental-permission',
    ...args.readPaths.map((path) => `--allow-fs-read=${path}`),
    '--disallow-code-generation-from-strings',
    `--max-old-space-size=${args.heapLimitMb}`,
    '--no-warnings',
  ]
}

/**
 * Starts an untrusted plugin's sandbox: a separate Node process under the permission
 * model (read access to the sandbox program and the plugin's package only; no write
 * access, no child processes, no workers, no addons), an empty environment, the lowest
 * CPU priority, a V8 heap limit and a resident-memory watchdog. Its IPC channel is the
 * only link, and only JSON strings travel on it.
 */
export async function startSandboxChannel(args: SandboxChannelArgs): Promise<PluginChannel> {
  const program = await sandboxProgram()
  const packageDirectory = args.packageDirectory.endsWith('/') ? args.packageDirectory : `${args.packageDirectory}/`
  const child = spawn(process.execPath, [...sandboxFlags({ readPaths: [...program.readPaths, packageDirectory], heapLimitMb: args.heapLimitMb }), program.entryPath], {
    env: {},
    cwd: tmpdir(),
    // No stdio pipes: in the child a pipe is a net.Socket whose class could open connections.
    // The sandbox sends console output over the IPC channel as log messages instead.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'json',
    windowsHide: true,
  })
  const exitListeners: ((reason: ChannelExit) => void)[] = []
  let exited = false
  let killedFor: ChannelExit | undefined
  const exit = (reason: ChannelExit) => {
    if (exited) return
    exited = true
    clearInterval(watchdog)
    for (const listener of exitListeners) listener(reason)
  }
  const kill = (reason: ChannelExit) => {
    killedFor ??= reason
    child.kill('SIGKILL')
  }
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, constants.priority.PRIORITY_LOW)
    } catch {
      // Not permitted on this platform: the hook timeouts and the watchdog still apply.
    }
  }
  const watchdog = setInterval(() => {
    const residentMb = residentMemoryMb(child.pid)
    if (residentMb !== undefined && residentMb > args.memoryLimitMb) {
      kill({ message: `it used ${Math.round(residentMb)} MB of memory, over the sandbox limit of ${args.memoryLimitMb} MB; it was killed.`, details: { residentMb: Math.round(residentMb), memoryLimitMb: args.memoryLimitMb } })
    }
  }, args.watchIntervalMs ?? 100)
  watchdog.unref()
  child.on('error', (error) => exit({ message: `its sandbox process failed: ${error.message}`, details: { errorCode: (error as { code?: string }).code ?? null } }))
  child.on('exit', (code, signal) => {
    const reason = killedFor ?? {
      message: signal === 'SIGABRT' || code === 134 ? `its sandbox process ran out of memory (heap limit ${args.heapLimitMb} MB).` : `its sandbox process exited with ${signal ?? `code ${code}`}.`,
      details: { exitCode: code, signal },
    }
    exit(reason)
  })
  return {
    send: (raw) => {
      if (child.connected) child.send(raw)
    },
    onMessage: (listener) => child.on('message', (message) => listener(String(message))),
    onExit: (listener) => void exitListeners.push(listener),
    terminate: async () => {
      if (exited || child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGKILL')
      await gone
    },
  }
}

/** Resident set size of a process in MB, from /proc (Linux); undefined elsewhere or when it is gone. */
function residentMemoryMb(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
    return (pages * PAGE_SIZE) / (1024 * 1024)
  } catch {
    return undefined
  }
}
