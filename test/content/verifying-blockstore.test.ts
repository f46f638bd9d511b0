import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, test } from 'vitest'
import { MAX_BLOCK_BYTES } from '../../src/content/unixfs-import-options.js'
import { verifyingBlockstore } from '../../src/content/verifying-blockstore.js'
import { patternBytes, rawCid } from './fixtures.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

async function read(source: Generator<Uint8Array> | AsyncGenerator<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Uint8Array.from(Buffer.concat(chunks))
}

describe('verifyingBlockstore', () => {
  test('returns blocks that match their CID', async () => {
    const inner = new MemoryBlockstore()
    const store = verifyingBlockstore(inner)
    const bytes = patternBytes(1000)
    const cid = await rawCid(bytes)
    await store.put(cid, bytes)
    expect(Buffer.compare(await read(store.get(cid)), bytes)).toBe(0)
    expect(await store.has(cid)).toBe(true)
  })

  test('a block that does not match its CID is CONTENT_CORRUPT', async () => {
    const inner = new MemoryBlockstore()
    const cid = await rawCid(patternBytes(1000))
    await inner.put(cid, patternBytes(999))
    await expectDeaiError(read(verifyingBlockstore(inner).get(cid)), 'CONTENT_CORRUPT')
  })

  test('a missing block is CONTENT_NOT_FOUND', async () => {
    const store = verifyingBlockstore(new MemoryBlockstore())
    await expectDeaiError(read(store.get(await rawCid(patternBytes(3)))), 'CONTENT_NOT_FOUND')
  })

  test('blocks over the 2 MiB limit are refused both ways', async () => {
    const inner = new MemoryBlockstore()
    const store = verifyingBlockstore(inner)
    const big = new Uint8Array(MAX_BLOCK_BYTES + 1)
    const cid = await rawCid(big)
    await expectDeaiError(Promise.resolve().then(() => store.put(cid, big)), 'CONTENT_TOO_LARGE')
    await inner.put(cid, big)
    await expectDeaiError(read(store.get(cid)), 'CONTENT_TOO_LARGE')
  })

  test('a block hashed with something other than sha2-256 is CONTENT_UNSUPPORTED_HASH', async () => {
    const inner = new MemoryBlockstore()
    const bytes = patternBytes(10)
    const cid = CID.createV1(raw.code, await sha512.digest(bytes))
    await inner.put(cid, bytes)
    await expectDeaiError(read(verifyingBlockstore(inner).get(cid)), 'CONTENT_UNSUPPORTED_HASH')
  })

  test('with copyBlocks, callers cannot alter stored blocks', async () => {
    const store = verifyingBlockstore(new MemoryBlockstore(), { copyBlocks: true })
    const bytes = patternBytes(100)
    const cid = await rawCid(bytes)
    await store.put(cid, bytes)
    bytes[0] = 99
    const first = await read(store.get(cid))
    first[1] = 99
    expect(Buffer.compare(await read(store.get(cid)), patternBytes(100))).toBe(0)
  })
})
