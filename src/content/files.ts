/**
 * Local files into and out of a content store, streamed (for `deai content put|get`).
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { DeaiError, isDeaiError } from '../errors/base.js'
import type { CidLike, ContentGetOptions, ContentStore } from './content-store.js'

/** Read size for files: one UnixFS chunk. */
const READ_BYTES = 1_048_576

/**
 * Stores a file's bytes; the CID is the one `ipfs add --cid-version=1` gives for the same file
 * with deai's import options.
 *
 * @param store - the content store
 * @param path - the file to read
 * @returns the CIDv1 (base32)
 * @throws DeaiError `CONTENT_FILE_FAILED` if the file cannot be read
 * @example
 * ```ts
 * import { createContentStore, putFile } from 'deai'
 * const store = await createContentStore({ kind: 'fs', path: '.deai/content' })
 * const cid = await putFile(store, 'model.bin')
 * ```
 */
export async function putFile(store: ContentStore, path: string): Promise<string> {
  const handle = await fileStep(path, 'open', () => open(path, 'r'))
  try {
    return await store.putStream(readChunks(handle, path))
  } finally {
    await handle.close()
  }
}

/**
 * Writes content to a file. The bytes go to a temporary file in the same directory, which is
 * renamed over `path` only once every block has been read and verified, so a failed get never
 * leaves a partial or corrupt file at `path`.
 *
 * @param store - the content store
 * @param cid - a bytes CID (`raw` or `dag-pb`)
 * @param path - the file to write (replaced if it exists)
 * @param options - size limit and abort signal, as for `getStream`
 * @returns the number of bytes written
 * @throws DeaiError from the get, or `CONTENT_FILE_FAILED` if the file cannot be written
 */
export async function getToFile(store: ContentStore, cid: CidLike, path: string, options: ContentGetOptions = {}): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.partial`)
  const handle = await fileStep(temporary, 'create', () => open(temporary, 'wx'))
  let written = 0
  try {
    for await (const chunk of store.getStream(cid, options)) {
      await fileStep(temporary, 'write', () => handle.write(chunk))
      written += chunk.byteLength
    }
    await fileStep(temporary, 'write', () => handle.close())
    await fileStep(path, 'replace', () => rename(temporary, path))
    return written
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temporary, { force: true })
    throw error
  }
}

async function* readChunks(handle: Awaited<ReturnType<typeof open>>, path: string): AsyncGenerator<Uint8Array> {
  while (true) {
    const buffer = new Uint8Array(READ_BYTES)
    const { bytesRead } = await fileStep(path, 'read', () => handle.read(buffer, 0, READ_BYTES, null))
    if (bytesRead === 0) return
    yield bytesRead === READ_BYTES ? buffer : buffer.subarray(0, bytesRead)
  }
}

async function fileStep<T>(path: string, action: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (cause) {
    if (isDeaiError(cause)) throw cause
    throw new DeaiError('CONTENT_FILE_FAILED', `Cannot ${action} file ${path}.`, {
      details: [cause instanceof Error ? cause.message : String(cause)],
      fixes: ['Check that the path exists (for reading) or that its directory is writable, and that the disk is not full.'],
      cause,
    })
  }
}
