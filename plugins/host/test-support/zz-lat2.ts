import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from '../../../index.js'
import { createPluginHost } from '../create-plugin-host.js'
const db = await open({ path: mkdtempSync(join(tmpdir(), 'lat-')), durability: 'strict' })
const module = new URL('./fixtures/noop-plugin.ts', import.meta.url)
const mode = process.argv[2]
const host = mode === 'host' ? await createPluginHost({ db, plugins: [{ module, exportName: 'noopA' }] }) : undefined
let stream = 0
if (mode === 'stream') void (async () => { for await (const c of db.commits({ from: 1 })) stream++ })()
const samples: number[] = []
for (let i = 0; i < 1000; i++) {
  const t = performance.now()
  await db.write((tx) => tx.put(`item/${i}`, i))
  samples.push(performance.now() - t)
}
samples.sort((a, b) => a - b)
console.log(mode, 'p50', samples[500]!.toFixed(3), 'p90', samples[900]!.toFixed(3), 'stream', stream)
await host?.close(); await db.close()
process.exit(0)
