/** The temporal history cartridge: versions per key and per entity. */
export { createHistoryCartridge, HISTORY_CARTRIDGE_VERSION, type HistoryCartridgeOptions } from './create-history-cartridge.js'
export type { HistorySummary, HistoryVersion } from './apply-history.js'
