/**
 * A blockstore that reads local blocks first and fetches missing ones from a {@link BlockSource}
 * (peers), verifies each against its CID's sha2-256 digest, stores it locally and returns it.
 *
 * This is where content from other processes enters a node. The verification here is what
 * makes a fetched model update trustworthy: its CID is rebuilt from the digest committed on
 * chain (`fromOnChainDigest`), so the root block's hash is the on-chain commitment itself, and
 * every other block is linked from the root by its hash. A peer that serves other bytes is
 * refused before anything is stored or decoded.
 *
 * @packageDocumentation
 */
import { BaseBlockstore } from 'blockstore-core'
import { equals } from 'multiformats/bytes'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError } from '../errors/base.js'
import { MAX_BLOCK_BYTES } from './unixfs-import-options.js'
import type { Blockstore, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

type AbortOptions = { signal?: AbortSignal }

/** Where missing blocks come from (a libp2p peer's `fetchBlock`, for one). */
export type BlockSource = {
  /**
   * Fetches one block. The source should verify it; the store verifies it again.
   * @throws DeaiError `CONTENT_NOT_FOUND` when no one has it
   */
  fetchBlock(cid: CID, options?: AbortOptions): Promise<Uint8Array>
}

/**
 * Wraps `local` so that a read of a missing block fetches it from `source`.
 *
 * @param local - the node's own blocks; fetched blocks are added to it
 * @param source - where to fetch missing blocks
 * @returns a blockstore over both
 */
export function fetchingBlockstore(local: Blockstore, source: BlockSource): Blockstore {
  return new FetchingBlockstore(local, source)
}

class FetchingBlockstore extends BaseBlockstore {
  readonly #local: Blockstore
  readonly #source: BlockSource
  /** One fetch per CID at a time, however many readers ask. */
  readonly #inflight = new Map<string, Promise<Uint8Array>>()

  constructor(local: Blockstore, source: BlockSource) {
    super()
    this.#local = local
    this.#source = source
  }

  override put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    return Promise.resolve(this.#local.put(cid, bytes, options))
  }

  override async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    if (await this.#local.has(cid, options)) {
      yield* this.#local.get(cid, options)
      return
    }
    const key = cid.toString()
    let pending = this.#inflight.get(key)
    if (pending === undefined) {
      pending = this.#fetch(cid, options).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, pending)
    }
    yield await pending
  }

  async #fetch(cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    if (cid.multihash.code !== sha256.code) {
      throw new DeaiError('CONTENT_UNSUPPORTED_HASH', `Block ${cid.toString()} is not hashed with sha2-256, so it cannot be verified.`, {
        fixes: ['Only sha2-256 content can be fetched from peers.'],
      })
    }
    const bytes = await this.#source.fetchBlock(cid, options)
    if (bytes.byteLength > MAX_BLOCK_BYTES) {
      throw new DeaiError('CONTENT_TOO_LARGE', `A peer sent ${bytes.byteLength} bytes for block ${cid.toString()}, over the ${MAX_BLOCK_BYTES}-byte block limit.`)
    }
    const digest = await sha256.digest(bytes)
    if (!equals(digest.digest, cid.multihash.digest)) {
      throw new DeaiError('CONTENT_CORRUPT', `The bytes fetched for block ${cid.toString()} do not match its hash.`, {
        fixes: ['The block source let unverified bytes through: do not trust it.'],
      })
    }
    await this.#local.put(cid, bytes, options)
    return bytes
  }

  override has(cid: CID, options?: AbortOptions): Promise<boolean> {
    return Promise.resolve(this.#local.has(cid, options))
  }

  override delete(cid: CID, options?: AbortOptions): Promise<void> {
    return Promise.resolve(this.#local.delete(cid, options))
  }

  override async *getAll(options?: AbortOptions): AsyncGenerator<Pair> {
    yield* this.#local.getAll(options)
  }
}
