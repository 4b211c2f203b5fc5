/**
 * The cartridge conformance suite (imports vitest: use it from `*.test.ts` files only;
 * it is not part of the runtime exports).
 */
export { runCartridgeConformance } from './run-cartridge-conformance.js'
export type { CartridgeConformanceArgs, ConformanceSubject, CreateConformanceCartridgeArgs, GeneratedCommit } from './conformance-types.js'
export { SeededRandom, testSeed } from './seeded-random.js'
export { dumpCartridgeKeyspaces } from './dump-keyspaces.js'
export { incrementalRun, writeGenerated, dumpNow, type Checkpoint, type IncrementalRun } from './incremental-run.js'
