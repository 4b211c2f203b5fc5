import { open, rename } from 'node:fs/promises'

let sequence = 0

/**
 * Replaces `path` with `text` so that a crash leaves either the old or the new
 * content, never a mix: write a temporary file beside it, optionally fsync, rename.
 */
export async function writeFileAtomically(args: { readonly path: string; readonly text: string; readonly fsync: boolean }): Promise<void> {
  const temporaryPath = `${args.path}.${process.pid}.${sequence++}.tmp`
  const handle = await open(temporaryPath, 'w')
  try {
    await handle.write(args.text)
    if (args.fsync) await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporaryPath, args.path)
}
