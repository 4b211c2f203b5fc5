import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from '../../../index.js'
import { createPluginHost } from '../create-plugin-host.js'
const N = Number(process.argv[2] ?? 20_000)
const durability = (process.argv[3] ?? 'none') as 'none'
async function run(plugins: number): Promise<number> {
  const db = await open({ path: mkdtempSync(join(tmpdir(), 'lat-')), durability })
  const module = new URL('./fixtures/noop-plugin.ts', import.meta.url)
  const host = await createPluginHost({ db, plugins: ['noopA', 'noopB', 'noopC'].slice(0, plugins).map((exportName) => ({ module, exportName })) })
  const samples: number[] = []
  for (let i = 0; i < N; i++) {
    const t = performance.now()
    await db.write((tx) => tx.put(`item/${i}`, { i, text: 'hello world' }))
    samples.push(performance.now() - t)
  }
  await host.idle()
  await host.close(); await db.close()
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]!
}
for (let round = 0; round < 2; round++) {
  const none = await run(0)
  const three = await run(3)
  console.log(durability, 'p50 none', (none * 1000).toFixed(1), 'us; three no-op', (three * 1000).toFixed(1), 'us; ratio', (three / none).toFixed(3))
}
