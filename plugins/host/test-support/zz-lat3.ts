import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from '../../../index.js'
const db = await open({ path: mkdtempSync(join(tmpdir(), 'lat-')), durability: 'strict' })
const streams = Number(process.argv[2]); const N = Number(process.argv[3])
for (let s = 0; s < streams; s++) void (async () => { for await (const c of db.commits({ from: 1 })) {} })()
const samples: number[] = []
const t0 = performance.now()
for (let i = 0; i < N; i++) {
  const t = performance.now()
  await db.write((tx) => tx.put(`item/${i}`, i))
  samples.push(performance.now() - t)
}
const total = performance.now() - t0
samples.sort((a, b) => a - b)
console.log(streams, 'streams', N, 'p50', samples[N >> 1]!.toFixed(3), 'p90', samples[Math.floor(N * 0.9)]!.toFixed(3), 'total', total.toFixed(0))
await db.close(); process.exit(0)
