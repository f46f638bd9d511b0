/**
 * Blocks by CID between peers: a request–response protocol over one libp2p stream per block.
 *
 * Why not bitswap: `@helia/bitswap` 2.x is the last line built for libp2p 2, and it is written
 * against `interface-blockstore` 5 and Helia 5's internals, while deai's store is on
 * `interface-blockstore` 7; bridging the two would cost more than this protocol, which
 * deai's content (one block per model up to 1 MiB, small DAGs above) needs no more than.
 *
 * Wire format, both ways length-prefixed (unsigned varint) frames:
 * - request: the CID's binary form (at most {@link MAX_CID_BYTES} bytes);
 * - response: one status byte (0 found, 1 not found) followed by the block.
 * The requester caps the response at {@link MAX_BLOCK_BYTES} + 1 before reading it, then
 * checks the block's sha2-256 against the CID; a peer that sends other bytes is skipped.
 *
 * @packageDocumentation
 */
import { lpStream } from 'it-length-prefixed-stream'
import { equals } from 'multiformats/bytes'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError } from '../../errors/base.js'
import { MAX_BLOCK_BYTES } from '../../content/unixfs-import-options.js'
import type { Blockstore } from 'interface-blockstore'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'

/** The protocol id. */
export const BLOCK_PROTOCOL = '/deai/blocks/1.0.0'

/** Longest CID accepted in a request. */
export const MAX_CID_BYTES = 128

const FOUND = 0
const NOT_FOUND = 1

/**
 * Serves blocks from `blockstore` to any peer that asks.
 *
 * @param libp2p - the node to register the protocol on
 * @param blockstore - the local blocks (reads are verified by the store)
 * @param timeoutMs - how long one request may take
 */
export async function serveBlocks(libp2p: Libp2p, blockstore: Blockstore, timeoutMs = 10_000): Promise<void> {
  await libp2p.handle(BLOCK_PROTOCOL, ({ stream }) => {
    void answer(stream, blockstore, timeoutMs)
  }, { maxInboundStreams: 64 })
}

async function answer(stream: Stream, blockstore: Blockstore, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_CID_BYTES })
    const request = (await lp.read({ signal })).subarray()
    let cid: CID
    try {
      cid = CID.decode(request)
    } catch {
      await stream.close()
      return
    }
    let block: Uint8Array | undefined
    try {
      if (await blockstore.has(cid)) block = await readAll(blockstore, cid)
    } catch {
      block = undefined
    }
    if (block === undefined) {
      await lp.write(Uint8Array.of(NOT_FOUND), { signal })
    } else {
      const frame = new Uint8Array(block.byteLength + 1)
      frame[0] = FOUND
      frame.set(block, 1)
      await lp.write(frame, { signal })
    }
    await stream.close({ signal })
  } catch (error) {
    stream.abort(error instanceof Error ? error : new Error(String(error)))
  }
}

async function readAll(blockstore: Blockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of blockstore.get(cid)) {
    chunks.push(chunk)
    length += chunk.byteLength
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Why one peer did not give a block. */
export type BlockRequestFailure = { peer: string; reason: string }

/**
 * Asks one peer for a block and verifies it.
 *
 * @returns the block, or the reason it was not had from this peer
 */
export async function requestBlock(libp2p: Libp2p, peer: PeerId, cid: CID, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array | BlockRequestFailure> {
  const fail = (reason: string): BlockRequestFailure => ({ peer: peer.toString(), reason })
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  let stream: Stream | undefined
  try {
    stream = await libp2p.dialProtocol(peer, BLOCK_PROTOCOL, { signal: combined })
    const lp = lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES + 1 })
    await lp.write(cid.bytes, { signal: combined })
    const response = (await lp.read({ signal: combined })).subarray()
    await stream.close({ signal: combined }).catch(() => undefined)
    if (response[0] === NOT_FOUND) return fail('does not have it')
    if (response[0] !== FOUND) return fail('sent a malformed response')
    const block = response.slice(1)
    const digest = await sha256.digest(block)
    if (!equals(digest.digest, cid.multihash.digest)) return fail('sent bytes that do not match the CID')
    return block
  } catch (error) {
    stream?.abort(error instanceof Error ? error : new Error(String(error)))
    if (signal?.aborted === true) throw new DeaiError('CONTENT_ABORTED', `The fetch of ${cid.toString()} was aborted.`, { cause: error })
    return fail(error instanceof Error ? error.message : String(error))
  }
}

/** The error when no peer gave a block. */
export function notFoundAtPeers(cid: CID, failures: readonly BlockRequestFailure[]): DeaiError {
  return new DeaiError('CONTENT_NOT_FOUND', `Block ${cid.toString()} is neither in the local store nor at any of ${failures.length} connected peers.`, {
    details: failures.slice(0, 8).map((f) => `${f.peer}: ${f.reason}`),
    fixes: ['Check that the peer holding the content is running and connected (--peer MULTIADDR), then try again.'],
  })
}
