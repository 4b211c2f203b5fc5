import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Arguments of {@link killAfterReady}. */
export interface KillAfterReadyArgs {
  /** The TypeScript child script (run with `node --import tsx`). */
  readonly script: string
  readonly args: readonly string[]
  /** How long after the child printed "ready" the kill comes. */
  readonly delayMs: number
}

/**
 * Runs a child process from the repository root until it prints "ready", waits `delayMs`
 * more, then kills it with SIGKILL (what a crash leaves behind). Rejects when the child
 * exits by itself before the kill, with its stderr.
 */
export function killAfterReady(args: KillAfterReadyArgs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', args.script, ...args.args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../../', import.meta.url)) })
    let stderr = ''
    let killed = false
    child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    child.stdout.on('data', (chunk) => {
      if (!killed && String(chunk).includes('ready')) {
        killed = true
        setTimeout(() => child.kill('SIGKILL'), args.delayMs)
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`child exited with ${code}/${signal} before the kill: ${stderr}`))
    })
  })
}
