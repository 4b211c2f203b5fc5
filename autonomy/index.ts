/**
 * livingdb autonomy: usage statistics, regression alerts, hot/warm/cold tiering into
 * compressed archive segments, and automatic field-index cartridges — every action a
 * commit with origin `autonomy`, audited in `sys` and undoable. See docs/autonomy.md.
 *
 * @example
 * const autonomy = await createAutonomy({ db })
 * autonomy.start()                 // runs every policy.everyMs
 * autonomy.db.get('notes/1')       // read through autonomy: counted, archived values resolved
 */
export { createAutonomy, type Autonomy, type AutonomyStatus, type CreateAutonomyArgs } from './create-autonomy.js'
export { autonomyDatabase } from './autonomy-database.js'
export { hideAutonomyCommits } from './hide-autonomy-commits.js'
export { autonomyPolicySchema, parseAutonomyPolicy, withinAllowedHours, type AutonomyPolicy, type AutonomyPolicyInput } from './autonomy-policy.js'
export { AUTONOMY_KEYS, AUTONOMY_ORIGIN, listActions, readAction, type AutonomyAction } from './autonomy-action.js'
export { planAutonomy, runAutonomy, type AutonomyPlan, type AutonomyRunReport } from './autonomy-run.js'
export { UsageStatistics, type KeyspaceGrowth, type PrefixUsage, type ShapeUsage, type UsageStatisticsJson, type UsageStatisticsOptions } from './usage-statistics.js'
export { CountMinSketch, type CountMinSketchJson } from './count-min-sketch.js'
export { EMPTY_EWMA, updateEwma, type EwmaState } from './ewma.js'
export { shapeOfPlan, type QueryShape } from './query-shape.js'
export { DEFAULT_REGRESSION_THRESHOLDS, detectRegression, type RegressionAlert, type RegressionThresholds } from './regression-detector.js'
export { ARCHIVE_KEYSPACE, ARCHIVE_REFERENCE_FIELD, isArchiveReference, type ArchiveReference } from './archive-segment.js'
export { planTiering, moveColdValues, undoTiering, type TieringPlan, type TieringCandidate, type TierTotals } from './tiering.js'
export { AUTO_FIELD_INDEX_NAME, planCartridges, buildAutoCartridge, type CartridgeProposal } from './auto-cartridge.js'
