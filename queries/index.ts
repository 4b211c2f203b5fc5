/**
 * queries/: natural-language questions become typed, validated, costed plans that run
 * against the records and the cartridges, at the latest commit or as of an earlier one,
 * and come back as scored, cited results with an optional answer. See docs/queries.md.
 *
 * @example
 * import { ask } from 'livingdb/queries'
 * const { results, answer } = await ask({ db, cartridges, question: 'open high priority tasks for the billing migration', options: { answer: true } })
 */
export type {
  AnswerSentence,
  AskAnswer,
  AskArgs,
  AskBudget,
  AskCost,
  AskDatabase,
  AskOptions,
  AskPluginHost,
  AskResult,
  AskResultItem,
  AskSnapshot,
  AskTimings,
  AskWarning,
  Citation,
  PlanCost,
  StepTiming,
} from './ask-types.js'
export type { CartridgeRole, Catalog, CatalogCartridge, CatalogField, CatalogKeyspace, CatalogPrefix, CatalogTimeRange, FieldType } from './catalog/catalog-types.js'
export * from './plan/index.js'
export { ask } from './ask.js'
export { DEFAULT_ASK_BUDGET } from './parse-ask-args.js'
export { buildCatalog, cachedCatalog, cartridgeRole, type BuildCatalogArgs } from './catalog/build-catalog.js'
export { validatePlan, assertValidPlan, formatPlanIssues, type PlanIssue, type PlanValidation } from './plan/validate-plan.js'
export { estimatePlanCost } from './plan/estimate-cost.js'
export { explainPlan, describeNode } from './explain-plan.js'
export { planOffline, type PlanOfflineArgs } from './planner/offline-planner.js'
export { planWithModel, PLAN_TOOL_NAME, type PlanWithModelArgs, type PlanWithModelResult } from './planner/model-planner.js'
export { analyzeQuestion, type NameLookup, type NameMatch, type QuestionAnalysis } from './planner/analyze-question.js'
export { parseTimeExpressions, type DateRange, type TimeExpressions } from './planner/time-expressions.js'
export { describeCatalog } from './planner/describe-catalog.js'
export { executePlan, type ExecutePlanArgs, type ExecutionOutcome } from './execute/execute-plan.js'
export { reciprocalRankFusion, RRF_K } from './execute/reciprocal-rank-fusion.js'
export { extractiveAnswer } from './answer/extractive-answer.js'
export { createFieldIndexCartridge, FIELD_INDEX_CARTRIDGE_VERSION, type FieldIndexCartridgeOptions } from './field-index/index.js'
