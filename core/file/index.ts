export type { FileHandle, FileSystem, OpenFileOptions } from './file-system.js'
export { NodeFileSystem } from './node-file-system.js'
