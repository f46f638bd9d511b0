/**
 * Content between peers: a store with a libp2p block source fetches what it lacks from peers,
 * verifies every block against its CID and keeps it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { afterEach, describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { isDeaiError } from '../../src/errors/base.js'
import { createLibp2pPeer } from '../../src/peers/libp2p/create-libp2p-peer.js'
import type { Libp2pPeer } from '../../src/peers/libp2p/create-libp2p-peer.js'

const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup.length = 0
})

/** A node as `deai node` makes one: an fs store, served to peers, fetching from them. */
async function node(bootstrap: string[] = []): Promise<{ peer: Libp2pPeer; store: ContentStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'deai-blocks-'))
  const served = new FsBlockstore(dir)
  await served.open()
  const peer = await createLibp2pPeer({ bootstrap, blockstore: served, blockTimeoutMs: 2000, discoveryIntervalSeconds: 60 })
  const store = await createContentStore({ kind: 'fs', path: dir, source: { fetchBlock: (cid, options) => peer.fetchBlock(cid, options ?? {}) } })
  cleanup.push(() => rm(dir, { recursive: true, force: true }), () => served.close(), () => peer.close(), () => store.close())
  return { peer, store }
}

async function connected(a: Libp2pPeer, b: Libp2pPeer): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!a.connections().includes(b.peerId)) {
    if (Date.now() > deadline) throw new Error('not connected')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('content over libp2p', () => {
  test('fetches a tensor, a multi-block file and JSON from a peer, then has them locally', async () => {
    const holder = await node()
    const reader = await node(holder.peer.multiaddrs())
    await connected(reader.peer, holder.peer)
    const weights = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i))
    const big = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 251)
    const tensorCid = await holder.store.putTensor(weights)
    const bigCid = await holder.store.putBytes(big)
    const jsonCid = await holder.store.putJson({ round: 1, update: CID.parse(tensorCid) })
    expect(bigCid.startsWith('bafybei')).toBe(true)
    expect(await reader.store.has(tensorCid)).toBe(false)

    expect(await reader.store.getTensor(tensorCid)).toEqual(weights)
    expect(Buffer.from(await reader.store.getBytes(bigCid)).equals(big)).toBe(true)
    expect((await reader.store.getJson(jsonCid)) as { round: number }).toMatchObject({ round: 1 })
    expect(await reader.store.has(tensorCid)).toBe(true)

    // Kept locally: the holder can leave.
    await holder.peer.close()
    expect(await reader.store.getTensor(tensorCid)).toEqual(weights)
  })

  test('refuses a peer that serves other bytes for a CID, and takes the block from an honest one', async () => {
    const honest = await node()
    const cid = CID.parse(await honest.store.putTensor(new Float32Array([1, 2, 3])))
    // A liar whose blockstore holds other bytes under the same CID (a plain, unverified store).
    const forged = new MemoryBlockstore()
    await forged.put(cid, new Uint8Array([9, 9, 9, 9]))
    const liar = await createLibp2pPeer({ blockstore: forged, discoveryIntervalSeconds: 60 })
    cleanup.push(() => liar.close())
    const reader = await node([liar.multiaddrs()[0]!])
    await connected(reader.peer, liar)

    const error = await reader.store.getTensor(cid).catch((e: unknown) => e)
    expect(isDeaiError(error, 'CONTENT_NOT_FOUND')).toBe(true)
    expect((error as { details?: readonly string[] }).details?.join(',') ?? (error as Error).message).toMatch(/do not match the CID/)
    expect(await reader.store.has(cid)).toBe(false)

    await reader.peer.dial(honest.peer.multiaddrs()[0]!)
    expect(await reader.store.getTensor(cid, {})).toEqual(new Float32Array([1, 2, 3]))
  })

  test('a CID nobody has is CONTENT_NOT_FOUND, naming the peers asked', async () => {
    const a = await node()
    const b = await node(a.peer.multiaddrs())
    await connected(b.peer, a.peer)
    const missing = await a.store.putTensor(new Float32Array([7]))
    const other = await node()
    const error = await other.store.getTensor(missing).catch((e: unknown) => e)
    expect(isDeaiError(error, 'CONTENT_NOT_FOUND')).toBe(true)
  })
})
