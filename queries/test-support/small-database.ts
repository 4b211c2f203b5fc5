import { type Cartridge, openCartridge } from '../../cartridges/spec/index.js'
import { createHistoryCartridge } from '../../cartridges/temporal/index.js'
import { createTopicsCartridge } from '../../cartridges/topics/index.js'
import { open, type Database } from '../../core/index.js'

/** The records of the small database, in write order (one commit each). */
export const SMALL_RECORDS = [
  { key: 'people/ada', value: { name: 'Ada Lovelace', team: 'core', handle: '@ada' } },
  { key: 'people/grace', value: { name: 'Grace Hopper', team: 'core', handle: '@grace' } },
  { key: 'tasks/1', value: { title: 'Fix the login timeout', status: 'open', priority: 'high', assignee: 'people/ada', createdOn: '2026-01-02', estimate: 3, description: 'Sessions expire after five minutes. Raise the timeout to an hour.' } },
  { key: 'tasks/2', value: { title: 'Write the billing export', status: 'done', priority: 'low', assignee: 'people/grace', createdOn: '2026-02-10', estimate: 8, description: 'Export invoices to CSV for the accountants.' } },
  { key: 'tasks/3', value: { title: 'Rotate the staging keys', status: 'open', priority: 'low', assignee: 'people/grace', createdOn: '2026-03-01', estimate: 1, description: 'The staging API key leaked. Rotate it and scan the repositories.' } },
  { key: 'tasks/4', value: { title: 'Login page redesign', status: 'in_progress', priority: 'high', assignee: 'people/ada', createdOn: '2026-03-05', estimate: 5, description: 'New login page with single sign-on buttons.' } },
  { key: 'tasks/5', value: { title: 'Billing dashboard', status: 'open', priority: 'high', assignee: 'people/ada', createdOn: '2026-03-10', estimate: 2, description: 'A dashboard of invoices and failed payments.' } },
] as const

/** An in-memory database with {@link SMALL_RECORDS} (txns 1..7), then tasks/1 marked done (txn 8), with topics and history built. */
export async function openSmallDatabase(options: { readonly cartridges?: readonly Cartridge[] } = {}): Promise<{ db: Database; cartridges: Cartridge[] }> {
  const db = await open({ durability: 'none', timeTravelTxns: 32 })
  for (const record of SMALL_RECORDS) await db.put(record.key, record.value)
  await db.put('tasks/1', { ...SMALL_RECORDS[2].value, status: 'done' })
  const cartridges = [...(options.cartridges ?? [createTopicsCartridge(), createHistoryCartridge()])]
  for (const cartridge of cartridges) await openCartridge({ db, cartridge })
  return { db, cartridges }
}
