/**
 * The factory for content stores: in memory, or on the filesystem.
 *
 * @packageDocumentation
 */
import { MemoryBlockstore } from 'blockstore-core'
import { DeaiError } from '../errors/base.js'
import { fetchingBlockstore } from './fetching-blockstore.js'
import type { BlockSource } from './fetching-blockstore.js'
import { heliaContentStore } from './helia-content-store.js'
import type { ContentStore } from './content-store.js'
import type { Blockstore } from 'interface-blockstore'

/** Options shared by every kind of store. */
export type ContentStoreLimits = {
  /**
   * Largest content a get returns, in bytes; each get can lower or raise it.
   * @default 268435456 (256 MiB)
   */
  maxBytes?: number
  /**
   * Where to fetch blocks that are not stored locally (other peers, e.g. a libp2p peer's
   * `fetchBlock`). Fetched blocks are verified against their CIDs and kept in this store.
   * @default none: reads are local only
   */
  source?: BlockSource
}

/** Blocks live in this process's memory and vanish on `close()`. */
export type MemoryContentStoreInit = ContentStoreLimits & { kind: 'memory' }

/**
 * Blocks live as files under `path` (created if missing), one file per block, named by its
 * multihash: the layout of `blockstore-fs`, shardable and safe to share between processes.
 */
export type FsContentStoreInit = ContentStoreLimits & {
  kind: 'fs'
  /** Directory of the store. */
  path: string
}

export type ContentStoreInit = MemoryContentStoreInit | FsContentStoreInit

/**
 * Creates a content store.
 *
 * @param init - `{ kind: 'memory' }` or `{ kind: 'fs', path }`, plus optional limits
 * @returns an open store; call `close()` when done
 * @throws DeaiError `CONTENT_STORE_FAILED` if the directory cannot be created or written,
 *   `CONTENT_INVALID_INPUT` for an unknown kind or a bad limit
 * @example
 * ```ts
 * import { createContentStore } from 'deai'
 * const store = await createContentStore({ kind: 'fs', path: '.deai/content' })
 * const cid = await store.putTensor(new Float32Array([1, 2, 3]))
 * const values = await store.getTensor(cid) // Float32Array [1, 2, 3]
 * await store.close()
 * ```
 */
export async function createContentStore(init: ContentStoreInit): Promise<ContentStore> {
  const limits = init.maxBytes === undefined ? {} : { maxBytes: init.maxBytes }
  const withSource = (blockstore: Blockstore): Blockstore => (init.source === undefined ? blockstore : fetchingBlockstore(blockstore, init.source))
  switch (init.kind) {
    case 'memory':
      return heliaContentStore({ ...limits, blockstore: withSource(new MemoryBlockstore()), copyBlocks: true })
    case 'fs': {
      if (typeof init.path !== 'string' || init.path.length === 0) {
        throw new DeaiError('CONTENT_INVALID_INPUT', 'A filesystem content store needs a directory path.', {
          fixes: ["Pass { kind: 'fs', path: '.deai/content' } or another directory."],
        })
      }
      // Loaded lazily so that memory stores do not pull node:fs into browser bundles.
      const [{ FsBlockstore }, { stat }] = await Promise.all([import('blockstore-fs'), import('node:fs/promises')])
      const blockstore = new FsBlockstore(init.path)
      try {
        await blockstore.open()
        if (!(await stat(init.path)).isDirectory()) throw new Error(`${init.path} is not a directory`)
      } catch (cause) {
        throw new DeaiError('CONTENT_STORE_FAILED', `Cannot open the content store directory ${init.path}.`, {
          details: [cause instanceof Error ? cause.message : String(cause)],
          fixes: ['Check that the path is a directory (or can be created) and is writable.'],
          cause,
        })
      }
      return heliaContentStore({ ...limits, blockstore: withSource(blockstore), onClose: () => blockstore.close() })
    }
    default:
      throw new DeaiError('CONTENT_INVALID_INPUT', `Unknown content store kind ${JSON.stringify((init as { kind: unknown }).kind)}.`, {
        fixes: ["Use { kind: 'memory' } or { kind: 'fs', path }."],
      })
  }
}
