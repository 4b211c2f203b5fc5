import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { LivingDbError } from '../../errors/index.js'

/** Why a plugin's worker or process went away. */
export interface ChannelExit {
  readonly message: string
  readonly details: Readonly<Record<string, unknown>>
}

/**
 * A running plugin environment (worker thread or sandbox process) as a pipe of JSON
 * strings, plus its lifecycle. `onExit` fires once, whatever the cause.
 */
export interface PluginChannel {
  send(raw: string): void
  onMessage(listener: (raw: string) => void): void
  onExit(listener: (reason: ChannelExit) => void): void
  /** Stops it at once (an endless loop included). */
  terminate(): Promise<void>
}

const HERE = import.meta.url
/** True when this file runs as TypeScript (tests, `node --import tsx`), false from `dist/`. */
export const RUNNING_FROM_SOURCE = HERE.endsWith('.ts')
const ENTRY_URL = new URL(RUNNING_FROM_SOURCE ? './plugin-worker-entry.ts' : './plugin-worker-entry.js', HERE).href

/** Starts a worker thread running the plugin runtime, with a V8 heap limit. */
export function startWorkerChannel(args: { readonly moduleUrl: string; readonly heapLimitMb: number }): PluginChannel {
  const worker = new Worker(bootstrapSource(args.moduleUrl), {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: args.heapLimitMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(args.heapLimitMb / 4))) },
  })
  const exitListeners: ((reason: ChannelExit) => void)[] = []
  let exited = false
  const exit = (reason: ChannelExit) => {
    if (exited) return
    exited = true
    for (const listener of exitListeners) listener(reason)
  }
  worker.on('error', (error) => exit({ message: `crashed: ${error.message}`, details: { errorCode: (error as { code?: string }).code ?? null } }))
  worker.on('exit', (code) => exit({ message: `its worker exited with code ${code}.`, details: { exitCode: code } }))
  return {
    send: (raw) => worker.postMessage(raw),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => void exitListeners.push(listener),
    terminate: async () => {
      await worker.terminate()
    },
  }
}

/**
 * The worker's first code: registers tsx when the entry or the plugin is TypeScript
 * (tests, `node --import tsx` apps), then imports the entry module.
 */
function bootstrapSource(moduleUrl: string): string {
  const needsTypeScript = RUNNING_FROM_SOURCE || /\.[mc]?ts$/.test(new URL(moduleUrl).pathname)
  const tsx = needsTypeScript ? tsxApiUrl() : undefined
  const register = tsx === undefined ? '' : `const { register } = await import(${JSON.stringify(tsx)}); register();`
  return `(async () => { ${register} await import(${JSON.stringify(ENTRY_URL)}) })().catch((error) => { process.nextTick(() => { throw error }) })`
}

function tsxApiUrl(): string {
  try {
    const packageJson = createRequire(HERE).resolve('tsx/package.json')
    return pathToFileURL(packageJson.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href
  } catch (error) {
    throw new LivingDbError('PLUGIN_LOAD_FAILED', 'A TypeScript plugin needs the "tsx" package to load in a worker. Install tsx (npm i -D tsx) or compile the plugin to JavaScript.', { cause: error })
  }
}
