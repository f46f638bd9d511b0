/**
 * A blockstore wrapper that re-hashes every block it reads and refuses oversized blocks.
 *
 * Why: `@helia/unixfs`, `@helia/dag-json` and the blockstores read local blocks without
 * checking them (Helia verifies only blocks that arrive from the network), so a flipped bit in
 * a `blockstore-fs` file would come back as wrong bytes. Here it becomes `CONTENT_CORRUPT`.
 *
 * @packageDocumentation
 */
import { BaseBlockstore } from 'blockstore-core'
import { equals } from 'multiformats/bytes'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError, isDeaiError } from '../errors/base.js'
import { MAX_BLOCK_BYTES } from './unixfs-import-options.js'
import type { Blockstore, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

type AbortOptions = { signal?: AbortSignal }

/**
 * Wraps `inner` so that reads are verified against the CID's sha2-256 multihash and capped at
 * {@link MAX_BLOCK_BYTES}, writes are capped too, and the inner store's errors become
 * DeaiErrors (`CONTENT_NOT_FOUND`, `CONTENT_CORRUPT`, `CONTENT_TOO_LARGE`,
 * `CONTENT_UNSUPPORTED_HASH`, `CONTENT_ABORTED`, `CONTENT_STORE_FAILED`).
 *
 * @param inner - the blockstore that holds the blocks
 * @param init - see {@link VerifyingBlockstoreInit}
 * @returns a blockstore over the same blocks
 */
export function verifyingBlockstore(inner: Blockstore, init: VerifyingBlockstoreInit = {}): Blockstore {
  return new VerifyingBlockstore(inner, init.copyBlocks ?? false)
}

export type VerifyingBlockstoreInit = {
  /**
   * Copy blocks on the way in and out. Needed when `inner` keeps the arrays it is given (an
   * in-memory store): otherwise a caller who later changes its input, or a returned chunk,
   * would change the stored block.
   * @default false
   */
  copyBlocks?: boolean
}

class VerifyingBlockstore extends BaseBlockstore {
  readonly #inner: Blockstore
  readonly #copy: boolean

  constructor(inner: Blockstore, copy: boolean) {
    super()
    this.#inner = inner
    this.#copy = copy
  }

  override async put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    // Our writers (the UnixFS importer and DAG-JSON) always pass one Uint8Array.
    if (bytes instanceof Uint8Array && bytes.byteLength > MAX_BLOCK_BYTES) {
      throw new DeaiError('CONTENT_TOO_LARGE', `A block of ${bytes.byteLength} bytes is over the ${MAX_BLOCK_BYTES}-byte block limit.`, {
        details: ['A JSON document is stored as one block, so it must encode to 2 MiB or less.'],
        fixes: ['Store large arrays with putTensor or putBytes and put their CIDs in the JSON instead.'],
      })
    }
    try {
      return await this.#inner.put(cid, this.#copy && bytes instanceof Uint8Array ? bytes.slice() : bytes, options)
    } catch (cause) {
      throw storeError(cause, cid, 'write')
    }
  }

  override async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    if (cid.multihash.code !== sha256.code) {
      throw new DeaiError('CONTENT_UNSUPPORTED_HASH', `Block ${cid.toString()} is not hashed with sha2-256, so it cannot be verified.`, {
        fixes: ['Re-add the content to deai so that every block is a sha2-256 block.'],
      })
    }
    const bytes = await readBlock(this.#inner, cid, options)
    const digest = await sha256.digest(bytes)
    if (!equals(digest.digest, cid.multihash.digest)) {
      throw new DeaiError('CONTENT_CORRUPT', `Stored block ${cid.toString()} does not match its hash: the store is corrupt.`, {
        details: [`Block length: ${bytes.byteLength} bytes.`],
        fixes: ['Delete the damaged block file (or the whole store) and put the content again from a good copy.'],
      })
    }
    yield this.#copy ? bytes.slice() : bytes
  }

  override async has(cid: CID, options?: AbortOptions): Promise<boolean> {
    try {
      return await this.#inner.has(cid, options)
    } catch (cause) {
      throw storeError(cause, cid, 'read')
    }
  }

  override async delete(cid: CID, options?: AbortOptions): Promise<void> {
    try {
      await this.#inner.delete(cid, options)
    } catch (cause) {
      throw storeError(cause, cid, 'write')
    }
  }

  override async *getAll(options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const { cid } of this.#inner.getAll(options)) {
      yield { cid, bytes: this.get(cid, options) }
    }
  }
}

/** Reads one block into a single Uint8Array, stopping once it exceeds the block limit. */
async function readBlock(inner: Blockstore, cid: CID, options?: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for await (const chunk of inner.get(cid, options)) {
      length += chunk.byteLength
      if (length > MAX_BLOCK_BYTES) {
        throw new DeaiError('CONTENT_TOO_LARGE', `Block ${cid.toString()} is over the ${MAX_BLOCK_BYTES}-byte block limit.`, {
          fixes: ['Content from deai never has such blocks; do not read this CID.'],
        })
      }
      chunks.push(chunk)
    }
  } catch (cause) {
    // blockstore-fs reports every read failure, aborts included, as NotFoundError.
    if (options?.signal?.aborted === true && !isDeaiError(cause)) throw storeError(options.signal.reason, cid, 'read')
    throw storeError(cause, cid, 'read')
  }
  if (chunks.length === 1 && chunks[0] !== undefined && chunks[0].constructor === Uint8Array) return chunks[0]
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Maps an error from the inner blockstore (or passes a DeaiError through). */
export function storeError(cause: unknown, cid: CID, action: 'read' | 'write'): DeaiError {
  if (isDeaiError(cause)) return cause
  const name = cause instanceof Error ? cause.name : ''
  if (name === 'AbortError') {
    return new DeaiError('CONTENT_ABORTED', `The ${action} of ${cid.toString()} was aborted.`, { cause })
  }
  if (name === 'NotFoundError' && action === 'read') {
    return new DeaiError('CONTENT_NOT_FOUND', `Content ${cid.toString()} is not in the store.`, {
      fixes: ['Check the CID, and put the content into this store (or fetch it from a peer that has it) first.'],
      cause,
    })
  }
  return new DeaiError('CONTENT_STORE_FAILED', `The blockstore could not ${action} block ${cid.toString()}.`, {
    details: [cause instanceof Error ? cause.message : String(cause)],
    fixes: ['Check that the store directory exists, is writable and the disk is not full.'],
    cause,
  })
}
