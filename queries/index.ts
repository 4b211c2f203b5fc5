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
