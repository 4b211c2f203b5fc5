#!/usr/bin/env node
/**
 * The `livingdb` executable (package.json `bin`, built to `dist/cli/main.js`).
 * Wires the process streams, environment and signals to {@link runCli}.
 */
import { runCli } from './run-cli.js'

const controller = new AbortController()
let interrupted = false
const onSignal = (): void => {
  // First Ctrl-C asks long-running commands (log --follow, import) to stop cleanly; a second one exits at once.
  if (interrupted) process.exit(130)
  interrupted = true
  controller.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
// A closed pipe (`livingdb export | head`) is a normal end of output, not an error.
process.stdout.on('error', error => {
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

const exitCode = await runCli({
  argv: process.argv.slice(2),
  io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal },
})
process.exitCode = exitCode
process.off('SIGINT', onSignal)
process.off('SIGTERM', onSignal)
