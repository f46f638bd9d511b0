import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { afterAll, describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { CIDS, contentStoreSuite } from './content-store-suite.js'
import { blockPath, encodeEmptyDirectory, encodeFileRoot, patternBytes, rawCid } from './fixtures.js'
import type { ContentStoreInit } from '../../src/content/create-content-store.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const MIB = 1_048_576
const directories: string[] = []

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'deai-content-'))
  directories.push(directory)
  return directory
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })))
})

contentStoreSuite('memory', {
  create: (init) => createContentStore({ kind: 'memory', ...init }),
})

contentStoreSuite('fs', {
  create: async (init) => createContentStore({ kind: 'fs', path: await freshDirectory(), ...init }),
})

describe('createContentStore', () => {
  test('refuses an unknown kind and a missing path', async () => {
    await expectDeaiError(createContentStore({ kind: 'nope' } as unknown as ContentStoreInit), 'CONTENT_INVALID_INPUT')
    await expectDeaiError(createContentStore({ kind: 'fs', path: '' }), 'CONTENT_INVALID_INPUT')
    await expectDeaiError(createContentStore({ kind: 'memory', maxBytes: -5 }), 'CONTENT_INVALID_INPUT')
  })

  test('fs: a path that is a file is CONTENT_STORE_FAILED', async () => {
    const file = join(await freshDirectory(), 'not-a-directory')
    await writeFile(file, 'x')
    await expectDeaiError(createContentStore({ kind: 'fs', path: file }), 'CONTENT_STORE_FAILED')
  })

  test('the importer matches an independent dag-pb encoding of the same file', async () => {
    const bytes = patternBytes(2.5 * MIB)
    const leaves = []
    for (let offset = 0; offset < bytes.byteLength; offset += MIB) {
      const chunk = bytes.subarray(offset, offset + MIB)
      leaves.push({ cid: await rawCid(chunk), size: chunk.byteLength })
    }
    const { cid } = await encodeFileRoot(leaves)
    expect(cid.toString()).toBe(CIDS.twoAndAHalfMiB)
  })
})

describe('fs content store', () => {
  test('keeps content across close and reopen', async () => {
    const path = await freshDirectory()
    const first = await createContentStore({ kind: 'fs', path })
    const cid = await first.putBytes(patternBytes(MIB + 1))
    const json = await first.putJson({ hello: 'world' })
    await first.close()
    const second = await createContentStore({ kind: 'fs', path })
    expect((await second.getBytes(cid)).byteLength).toBe(MIB + 1)
    expect(await second.getJson(json)).toEqual({ hello: 'world' })
    await second.close()
  })

  test('a corrupted block is CONTENT_CORRUPT, never wrong bytes', async () => {
    const path = await freshDirectory()
    const store = await createContentStore({ kind: 'fs', path })
    const small = await store.putBytes(new TextEncoder().encode('hello'))
    const json = await store.putJson({ hello: 'world' })
    const bytes = patternBytes(2.5 * MIB)
    const big = await store.putBytes(bytes)
    const secondLeaf = (await rawCid(bytes.subarray(MIB, 2 * MIB))).toString()

    await flipByte(blockPath(path, small), 0)
    await flipByte(blockPath(path, json), 3)
    await flipByte(blockPath(path, secondLeaf), 12345)

    await expectDeaiError(store.getBytes(small), 'CONTENT_CORRUPT')
    await expectDeaiError(store.getJson(json), 'CONTENT_CORRUPT')
    await expectDeaiError(store.getBytes(big), 'CONTENT_CORRUPT')
    await expectDeaiError(store.getTensor(big), 'CONTENT_CORRUPT')
    // The stream yields the good first leaf, then fails on the bad one.
    const seen: number[] = []
    await expectDeaiError(
      (async () => {
        for await (const chunk of store.getStream(big)) seen.push(chunk.byteLength)
      })(),
      'CONTENT_CORRUPT',
    )
    expect(seen).toEqual([MIB])

    // Putting the content again repairs the store.
    expect(await store.putBytes(bytes)).toBe(big)
    expect(Buffer.compare(await store.getBytes(big), bytes)).toBe(0)
    await store.close()
  })

  test('a truncated or emptied block file is CONTENT_CORRUPT', async () => {
    const path = await freshDirectory()
    const store = await createContentStore({ kind: 'fs', path })
    const cid = await store.putBytes(patternBytes(5000))
    await writeFile(blockPath(path, cid), new Uint8Array())
    await expectDeaiError(store.getBytes(cid), 'CONTENT_CORRUPT')
    await store.close()
  })

  test('a deleted leaf is CONTENT_NOT_FOUND even though has(root) is true', async () => {
    const path = await freshDirectory()
    const store = await createContentStore({ kind: 'fs', path })
    const bytes = patternBytes(2.5 * MIB)
    const big = await store.putBytes(bytes)
    await rm(blockPath(path, (await rawCid(bytes.subarray(0, MIB))).toString()))
    expect(await store.has(big)).toBe(true)
    await expectDeaiError(store.getBytes(big), 'CONTENT_NOT_FOUND')
    await store.close()
  })

  test('a hostile root declaring a huge size is refused before any leaf is read', async () => {
    const path = await freshDirectory()
    const missingLeaf = await rawCid(new TextEncoder().encode('never stored'))
    const { cid, block } = await encodeFileRoot([{ cid: missingLeaf, size: MIB, claimed: 2 ** 40 }])
    await plantBlock(path, cid, block)
    const store = await createContentStore({ kind: 'fs', path })
    await expectDeaiError(store.getBytes(cid.toString()), 'CONTENT_TOO_LARGE')
    await store.close()
  })

  test('a directory CID is CONTENT_WRONG_KIND', async () => {
    const path = await freshDirectory()
    const { cid, block } = await encodeEmptyDirectory()
    // The well-known CIDv1 of the empty UnixFS directory.
    expect(cid.toString()).toBe('bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354')
    await plantBlock(path, cid, block)
    const store = await createContentStore({ kind: 'fs', path })
    await expectDeaiError(store.getBytes(cid.toString()), 'CONTENT_WRONG_KIND')
    await store.close()
  })

  test('a root that claims more bytes than its leaves hold is CONTENT_CORRUPT', async () => {
    const path = await freshDirectory()
    const store = await createContentStore({ kind: 'fs', path })
    const chunk = patternBytes(4000)
    await store.putBytes(chunk)
    const leaf = await rawCid(chunk)
    const { cid, block } = await encodeFileRoot([{ cid: leaf, size: 4000, claimed: 9000 }])
    await plantBlock(path, cid, block)
    await expectDeaiError(store.getBytes(cid.toString()), 'CONTENT_CORRUPT')
    await expectDeaiError(collectStream(store.getStream(cid.toString())), 'CONTENT_CORRUPT')
    await store.close()
  })
})

async function collectStream(source: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of source) void chunk
}

async function flipByte(file: string, index: number): Promise<void> {
  const bytes = await readFile(file)
  bytes[index] = (bytes[index] ?? 0) ^ 0xff
  await writeFile(file, bytes)
}

/** Writes a block file directly, as a hostile peer's block would arrive. */
async function plantBlock(directory: string, cid: CID, block: Uint8Array): Promise<void> {
  const { FsBlockstore } = await import('blockstore-fs')
  const blockstore = new FsBlockstore(directory)
  await blockstore.open()
  await blockstore.put(cid, block)
  await blockstore.close()
}
