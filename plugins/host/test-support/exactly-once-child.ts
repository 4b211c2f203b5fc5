/**
 * TEST SUPPORT ONLY: a child process for the kill -9 exactly-once trials. It opens the
 * database, starts the plugin host with the counting plugin, prints "ready", then writes
 * `item/<n>` commits in bursts until the parent kills it.
 *
 * Usage: node --import tsx exactly-once-child.ts <dbPath> <firstItem> [sandbox]
 * With `sandbox`, the counter is the JavaScript package of plugins/sandbox, run untrusted.
 */
import { open } from '../../../index.js'
import { createPluginHost } from '../create-plugin-host.js'

const [path, firstItemText, mode] = process.argv.slice(2)
const db = await open({ path: path!, durability: 'strict' })
const plugin = mode === 'sandbox' ? { module: new URL('../../sandbox/test-support/fixtures/counting-package/index.js', import.meta.url), trusted: false } : { module: new URL('./fixtures/counting-plugin.ts', import.meta.url) }
const host = await createPluginHost({ db, plugins: [plugin], onLog: () => {} })
process.stdout.write('ready\n')
let item = Number(firstItemText)
for (;;) {
  const burst = 1 + (item % 23)
  for (let index = 0; index < burst; index++) {
    await db.write((transaction) => transaction.put(`item/${String(item).padStart(8, '0')}`, item), { origin: 'app' })
    item++
  }
  await new Promise((resolve) => setImmediate(resolve))
  void host
}
