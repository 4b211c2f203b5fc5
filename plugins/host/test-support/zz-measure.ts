import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from '../../../index.js'
import { createPluginHost } from '../create-plugin-host.js'
const N = Number(process.argv[2] ?? 100_000)
const db = await open({ path: mkdtempSync(join(tmpdir(), 'measure-')), durability: 'none' })
let t = performance.now()
for (let i = 0; i < N; i++) await db.write((tx) => tx.put(`item/${i}`, i))
console.log('write', N, ((performance.now() - t) / 1000).toFixed(2), 's')
t = performance.now()
const host = await createPluginHost({ db, plugins: [new URL('./fixtures/noop-plugin.ts', import.meta.url)], policy: { maxBufferedCommits: 16384 } })
const t2 = performance.now()
await host.idle()
const s = (performance.now() - t2) / 1000
console.log('catch-up', N, s.toFixed(2), 's', Math.round(N / s), 'commits/s', 'start', ((t2 - t) / 1000).toFixed(2))
console.log(await host.status())
await host.close(); await db.close()
