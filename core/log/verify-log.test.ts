import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { FaultFileSystem } from '../file/testing/fault-file-system.js'
import { CommitLog, type CommitRecord, salvageLog, verifyLog } from './index.js'
import { segmentFileName } from './segment-file.js'

const DIRECTORY = '/db/log'
const encoder = new TextEncoder()
const record = (txnId: number): CommitRecord => ({
  txnId,
  timestamp: txnId,
  origin: 'app',
  ops: [{ type: 'put', keyspace: 'default', key: encoder.encode(`k${txnId}`), value: encoder.encode('v'.repeat(60)) }],
})
const segmentPath = (txnId: number): string => `${DIRECTORY}/${segmentFileName(txnId)}`

async function writeLog(count: number): Promise<FaultFileSystem> {
  const fs = new FaultFileSystem()
  const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none', segmentBytes: 4096 })
  for (let txnId = 1; txnId <= count; txnId++) await log.append(record(txnId))
  await log.close()
  return fs
}

function flipByte(fs: FaultFileSystem, file: string, offset: number): void {
  const bytes = fs.readFile(file).slice()
  bytes[offset] = bytes[offset]! ^ 0xff
  fs.writeFile(file, bytes)
}

describe('verifyLog and salvageLog', () => {
  it('reports a healthy log', async () => {
    const fs = await writeLog(120)
    const report = verifyLog({ fs, directory: DIRECTORY })
    expect(report.ok).toBe(true)
    expect(report.records).toBe(120)
    expect(report.firstTxnId).toBe(1)
    expect(report.lastTxnId).toBe(120)
    expect(report.segments.length).toBeGreaterThan(2)
    expect(report.problems).toEqual([])
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('reports a torn tail as recoverable and leaves the files alone', async () => {
    const fs = await writeLog(5)
    const bytes = fs.readFile(segmentPath(1))
    fs.writeFile(segmentPath(1), bytes.subarray(0, bytes.length - 10))
    const report = verifyLog({ fs, directory: DIRECTORY })
    expect(report.ok).toBe(true)
    expect(report.lastTxnId).toBe(4)
    expect(report.tornTail?.bytes).toBeGreaterThan(0)
    expect(fs.readFile(segmentPath(1)).length).toBe(bytes.length - 10)
  })

  it('reports mid-log damage, then salvage keeps the valid prefix and moves the rest aside', async () => {
    const fs = await writeLog(120)
    const second = verifyLog({ fs, directory: DIRECTORY }).segments[1]!
    flipByte(fs, second.file, 200)
    const report = verifyLog({ fs, directory: DIRECTORY })
    expect(report.ok).toBe(false)
    expect(report.problems[0]?.file).toBe(second.file)
    expect(report.problems[0]?.message).toContain('livingdb repair')
    expect(report.unscannedFiles.length).toBeGreaterThan(0)
    expect(() => CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })).toThrow(LivingDbError)

    const salvage = salvageLog({ fs, directory: DIRECTORY })
    expect(salvage.truncated?.file).toBe(second.file)
    expect(salvage.lastTxnId).toBeGreaterThanOrEqual(second.firstTxnId)
    expect(salvage.lastTxnId).toBeLessThan(second.lastTxnId)
    expect(salvage.discardedFiles.length).toBe(1 + report.unscannedFiles.length)
    for (const file of salvage.discardedFiles) expect(fs.exists(file)).toBe(true)
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    const txnIds = [...log.read({ fromTxnId: 0 })].map((entry) => entry.txnId)
    expect(txnIds).toEqual(Array.from({ length: salvage.lastTxnId }, (_, index) => index + 1))
    await log.append(record(salvage.lastTxnId + 1))
    await log.close()
    expect(verifyLog({ fs, directory: DIRECTORY }).ok).toBe(true)
  })

  it('salvages a damaged segment header by moving the whole file aside', async () => {
    const fs = await writeLog(120)
    const second = verifyLog({ fs, directory: DIRECTORY }).segments[1]!
    flipByte(fs, second.file, 1)
    const salvage = salvageLog({ fs, directory: DIRECTORY })
    expect(salvage.lastTxnId).toBe(second.firstTxnId - 1)
    expect(fs.exists(second.file)).toBe(false)
    expect(verifyLog({ fs, directory: DIRECTORY }).ok).toBe(true)
  })
})
