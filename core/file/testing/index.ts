/** Test-only file systems: fault injection and crash simulation for durability tests. */
export { FaultFileSystem, type CrashOptions, type CrashSurvival, type WriteFault } from './fault-file-system.js'
export { seededRandom } from './memory-inode.js'
