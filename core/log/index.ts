/**
 * The commit log: segmented, append-only, CRC-framed records; the ordered
 * commit stream of livingdb and the engine's redo log. See docs/log.md.
 */
export type { CommitLogOptions, CommitRecord, DurabilityMode, LogOperation } from './commit-record.js'
export { CommitLog } from './commit-log.js'
export { decodeCommitRecord, encodeCommitRecord, MAX_PAYLOAD_BYTES } from './record-codec.js'
export { segmentFileName, parseSegmentFileName } from './segment-file.js'
export { verifyLog, salvageLog, type LogVerifyReport, type LogProblem, type LogSalvageReport } from './verify-log.js'
export type { ReplayVisitor } from './log-reader.js'
export { OPERATION_DELETE, OPERATION_PUT, type OperationSink, type OperationView } from './record-codec.js'
