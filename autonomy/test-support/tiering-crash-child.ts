/**
 * Child process of the tiering crash test: opens the database at argv[2] (strict
 * durability) and runs tiering in small segments forever, printing `moved <n>` after each
 * segment, until the parent kills it with SIGKILL.
 */
import { open } from '../../core/index.js'
import { newActionId, type AutonomyAction } from '../autonomy-action.js'
import { parseAutonomyPolicy } from '../autonomy-policy.js'
import { moveColdValues, planTiering } from '../tiering.js'
import { UsageStatistics } from '../usage-statistics.js'

const db = await open({ path: process.argv[2]!, durability: 'strict' })
const policy = parseAutonomyPolicy({ tiering: { minObservedMs: 0, minRunBytes: 0, minValueBytes: 16, segmentKeys: 3 } })
const statistics = new UsageStatistics({ now: () => Date.now() })
for (;;) {
  const plan = planTiering({ db, statistics, policy })
  if (plan.candidates.length === 0) break
  const action: AutonomyAction = { id: newActionId('tiering', Date.now()), kind: 'tiering', status: 'running', reason: 'crash test', numbers: {}, details: {}, createdAt: Date.now(), txnIds: [] }
  await moveColdValues({ db, plan, action, segmentKeys: policy.tiering.segmentKeys, onSegment: (moved) => void process.stdout.write(`moved ${moved}\n`) })
}
process.stdout.write('done\n')
await db.close()
