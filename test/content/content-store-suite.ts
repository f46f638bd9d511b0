/**
 * The compliance suite for ContentStore: every implementation runs it.
 *
 * Expected CIDs were computed once and cross-checked by an independent encoder (a short
 * Python script using hashlib and a hand-written protobuf/dag-pb encoder, mirrored by
 * `encodeFileRoot` in fixtures.ts); the JSON CID is the one in @helia/json's docs with the
 * dag-json codec; the empty and "hello" CIDs are the well-known `ipfs add --cid-version=1`
 * results. The UnixFS importer itself agreed with Debian's `ipfs_cid` (an independent Rust
 * implementation) on 5 B, 2.5 MiB and 50 MB inputs under the CIDv0 profile.
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { describe, expect, test } from 'vitest'
import { patternBytes, seededFloats } from './fixtures.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

export type ContentStoreHarness = {
  /** A fresh, empty store. */
  create(init?: { maxBytes?: number }): Promise<ContentStore>
}

const SEED = 2002

export const CIDS = {
  empty: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
  hello: 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
  /** patternBytes(1 MiB): one chunk, so one raw block. */
  oneChunk: 'bafkreia4lg4goabhhbaug6a2rkf76lz3is6yqggq6u5rhmdeyi3vugx6ha',
  /** patternBytes(1 MiB + 1): two raw leaves under a dag-pb root. */
  oneChunkPlusOne: 'bafybeiaqfhzf4fft5arkdimw7quirxuglvotfah44yawdjg6zujvn6lidu',
  /** patternBytes(2.5 MiB): three leaves. */
  twoAndAHalfMiB: 'bafybeiashecvigbck7pkpcqr7qqlaxo4e6xwq7n3xjxophkvtv3wtz4yvq',
  helloWorldJson: 'baguqeerasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea',
  tensor123: 'bafkreieomkdxtzvhj3qlg2mryeavr5r4v7wh2nak2tqhkwjfalehbbje3u',
  /** seededFloats(2002, 1_000_000): 4 MB, four leaves. */
  tensorMillion: 'bafybeid3b6qhhnukcxk5u6zdru6b2p6imhqivn7o2clzftlch3w5v4j2ii',
} as const

const MIB = 1_048_576
const text = (value: string): Uint8Array => new TextEncoder().encode(value)

export function contentStoreSuite(name: string, harness: ContentStoreHarness): void {
  describe(`ContentStore compliance: ${name}`, () => {
    const withStore = async (run: (store: ContentStore) => Promise<void>, init?: { maxBytes?: number }): Promise<void> => {
      const store = await harness.create(init)
      try {
        await run(store)
      } finally {
        await store.close()
      }
    }

    describe('bytes', () => {
      test('gives the exact CIDs IPFS gives', () =>
        withStore(async (store) => {
          expect(await store.putBytes(new Uint8Array())).toBe(CIDS.empty)
          expect(await store.putBytes(text('hello'))).toBe(CIDS.hello)
          expect(await store.putBytes(patternBytes(MIB))).toBe(CIDS.oneChunk)
          expect(await store.putBytes(patternBytes(MIB + 1))).toBe(CIDS.oneChunkPlusOne)
          expect(await store.putBytes(patternBytes(2.5 * MIB))).toBe(CIDS.twoAndAHalfMiB)
        }))

      test('round-trips small, empty and multi-block content', () =>
        withStore(async (store) => {
          for (const bytes of [new Uint8Array(), text('hello'), patternBytes(MIB + 1), patternBytes(2.5 * MIB)]) {
            const cid = await store.putBytes(bytes)
            const back = await store.getBytes(cid)
            expect(back).toBeInstanceOf(Uint8Array)
            expect(back.byteLength).toBe(bytes.byteLength)
            expect(Buffer.compare(back, bytes)).toBe(0)
          }
        }))

      test('putStream gives the same CID as putBytes, whatever the chunking', () =>
        withStore(async (store) => {
          const bytes = patternBytes(2.5 * MIB)
          const pieces = [bytes.subarray(0, 7), bytes.subarray(7, MIB + 3), bytes.subarray(MIB + 3)]
          async function* source(): AsyncGenerator<Uint8Array> {
            yield* pieces
          }
          expect(await store.putStream(source())).toBe(CIDS.twoAndAHalfMiB)
          expect(await store.putStream(pieces)).toBe(CIDS.twoAndAHalfMiB)
        }))

      test('getStream yields the content in order, in chunks of at most 1 MiB', () =>
        withStore(async (store) => {
          const bytes = patternBytes(2.5 * MIB)
          const cid = await store.putBytes(bytes)
          const sizes: number[] = []
          const chunks: Uint8Array[] = []
          for await (const chunk of store.getStream(cid)) {
            sizes.push(chunk.byteLength)
            chunks.push(chunk)
          }
          expect(sizes).toEqual([MIB, MIB, MIB / 2])
          expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0)
        }))

      test('a stream can be left early', () =>
        withStore(async (store) => {
          const cid = await store.putBytes(patternBytes(2.5 * MIB))
          for await (const chunk of store.getStream(cid)) {
            expect(chunk.byteLength).toBe(MIB)
            break
          }
          expect((await store.getBytes(cid)).byteLength).toBe(2.5 * MIB)
        }))

      test('is not changed by later writes to the input or the output', () =>
        withStore(async (store) => {
          const bytes = text('hello')
          const cid = await store.putBytes(bytes)
          bytes[0] = 0
          const first = await store.getBytes(cid)
          expect(new TextDecoder().decode(first)).toBe('hello')
          first[0] = 0
          expect(new TextDecoder().decode(await store.getBytes(cid))).toBe('hello')
        }))

      test('accepts CID objects and CIDv0 strings, and answers has()', () =>
        withStore(async (store) => {
          const cid = await store.putBytes(patternBytes(MIB + 1))
          const parsed = CID.parse(cid)
          expect((await store.getBytes(parsed)).byteLength).toBe(MIB + 1)
          expect((await store.getBytes(parsed.toV0().toString())).byteLength).toBe(MIB + 1)
          expect(await store.has(cid)).toBe(true)
          expect(await store.has(parsed)).toBe(true)
          expect(await store.has(CIDS.hello)).toBe(false)
        }))

      test('refuses a non-Uint8Array', () =>
        withStore(async (store) => {
          await expectDeaiError(store.putBytes('hello' as unknown as Uint8Array), 'CONTENT_INVALID_INPUT')
        }))
    })

    describe('JSON', () => {
      test('gives canonical DAG-JSON CIDs: key order does not matter', () =>
        withStore(async (store) => {
          expect(await store.putJson({ hello: 'world' })).toBe(CIDS.helloWorldJson)
          const a = await store.putJson({ b: 1, a: { d: [1, 2], c: null } })
          const b = await store.putJson({ a: { c: null, d: [1, 2] }, b: 1 })
          expect(a).toBe(b)
          expect(a.startsWith('baguqeera')).toBe(true)
        }))

      test('round-trips nested values, bytes, links and big integers', () =>
        withStore(async (store) => {
          const link = CID.parse(CIDS.hello)
          const value = {
            round: 3,
            score: -0.125,
            name: 'trainer-1 ✓',
            flags: [true, false, null],
            nested: { list: [[1], [2, [3]]] },
            bytes: new Uint8Array([0, 255, 7]),
            update: link,
            stake: 2n ** 70n,
          }
          const cid = await store.putJson(value)
          const back = await store.getJson(cid)
          expect(back).toEqual({ ...value, update: expect.anything() as unknown })
          const update = (back as { update: unknown }).update
          expect(CID.asCID(update)?.toString()).toBe(CIDS.hello)
        }))

      test('refuses undefined, NaN and Infinity instead of losing them', () =>
        withStore(async (store) => {
          await expectDeaiError(store.putJson({ a: undefined }), 'CONTENT_INVALID_JSON')
          await expectDeaiError(store.putJson({ a: Number.NaN }), 'CONTENT_INVALID_JSON')
          await expectDeaiError(store.putJson([Number.POSITIVE_INFINITY]), 'CONTENT_INVALID_JSON')
          await expectDeaiError(store.putJson(new Map([[1, 2]])), 'CONTENT_INVALID_JSON')
        }))

      test('refuses a document over the 2 MiB block limit', () =>
        withStore(async (store) => {
          await expectDeaiError(store.putJson({ blob: 'x'.repeat(2 * MIB) }), 'CONTENT_TOO_LARGE')
        }))
    })

    describe('tensors', () => {
      test('stores little-endian float32 bytes with no header', () =>
        withStore(async (store) => {
          const cid = await store.putTensor(new Float32Array([1, 2, 3]))
          expect(cid).toBe(CIDS.tensor123)
          expect(Array.from(await store.getBytes(cid))).toEqual([0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64])
          expect(await store.putBytes(new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64]))).toBe(cid)
        }))

      test('round-trips a million floats bit for bit', () =>
        withStore(async (store) => {
          const values = seededFloats(SEED, 1_000_000)
          const cid = await store.putTensor(values)
          expect(cid).toBe(CIDS.tensorMillion)
          const back = await store.getTensor(cid)
          expect(back).toBeInstanceOf(Float32Array)
          expect(back.length).toBe(values.length)
          expect(Buffer.compare(new Uint8Array(back.buffer, back.byteOffset, back.byteLength), new Uint8Array(values.buffer))).toBe(0)
        }))

      test('keeps special values: -0, infinities, NaN, subnormals, extremes', () =>
        withStore(async (store) => {
          const values = new Float32Array([-0, Infinity, -Infinity, Number.NaN, 1.4e-45, 3.4028234663852886e38, -1.5])
          const back = await store.getTensor(await store.putTensor(values))
          expect(Array.from(new Uint32Array(back.buffer, back.byteOffset, back.length))).toEqual(Array.from(new Uint32Array(values.buffer)))
        }))

      test('stores a subarray view by its own values only', () =>
        withStore(async (store) => {
          const all = new Float32Array([9, 1, 2, 3, 9])
          expect(await store.putTensor(all.subarray(1, 4))).toBe(CIDS.tensor123)
        }))

      test('refuses content whose length is not a multiple of 4', () =>
        withStore(async (store) => {
          const cid = await store.putBytes(text('hello'))
          await expectDeaiError(store.getTensor(cid), 'CONTENT_WRONG_KIND')
        }))

      test('refuses a non-Float32Array', () =>
        withStore(async (store) => {
          await expectDeaiError(store.putTensor([1, 2] as unknown as Float32Array), 'CONTENT_INVALID_INPUT')
        }))
    })

    describe('errors', () => {
      test('an unknown CID is CONTENT_NOT_FOUND, for every getter and codec', () =>
        withStore(async (store) => {
          await expectDeaiError(store.getBytes(CIDS.hello), 'CONTENT_NOT_FOUND')
          await expectDeaiError(store.getBytes(CIDS.twoAndAHalfMiB), 'CONTENT_NOT_FOUND')
          await expectDeaiError(store.getTensor(CIDS.tensorMillion), 'CONTENT_NOT_FOUND')
          await expectDeaiError(store.getJson(CIDS.helloWorldJson), 'CONTENT_NOT_FOUND')
          await expectDeaiError(collect(store.getStream(CIDS.hello)), 'CONTENT_NOT_FOUND')
        }))

      test('a malformed CID is CONTENT_INVALID_CID', () =>
        withStore(async (store) => {
          const bad: unknown[] = ['', 'hello', 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4ye', `b${'a'.repeat(300)}`, 42, null, {}, new Uint8Array(36)]
          for (const input of bad) {
            await expectDeaiError(store.getBytes(input as string), 'CONTENT_INVALID_CID')
          }
          await expectDeaiError(store.getJson('nope'), 'CONTENT_INVALID_CID')
          await expectDeaiError(store.has('nope'), 'CONTENT_INVALID_CID')
        }))

      test('a CID hashed with something other than sha2-256 is CONTENT_UNSUPPORTED_HASH', () =>
        withStore(async (store) => {
          const cid = CID.createV1(raw.code, await sha512.digest(text('hello')))
          await expectDeaiError(store.getBytes(cid.toString()), 'CONTENT_UNSUPPORTED_HASH')
        }))

      test('a CID of the wrong kind is CONTENT_WRONG_KIND', () =>
        withStore(async (store) => {
          const bytes = await store.putBytes(patternBytes(MIB + 1))
          const small = await store.putBytes(text('hello'))
          const json = await store.putJson({ hello: 'world' })
          await expectDeaiError(store.getJson(bytes), 'CONTENT_WRONG_KIND')
          await expectDeaiError(store.getJson(small), 'CONTENT_WRONG_KIND')
          await expectDeaiError(store.getBytes(json), 'CONTENT_WRONG_KIND')
          await expectDeaiError(store.getTensor(json), 'CONTENT_WRONG_KIND')
          const cbor = CID.createV1(0x71, await sha256.digest(text('x')))
          await expectDeaiError(store.getBytes(cbor), 'CONTENT_WRONG_KIND')
        }))

      test('content over maxBytes is CONTENT_TOO_LARGE, per call or per store', async () => {
        await withStore(async (store) => {
          const big = await store.putBytes(patternBytes(2.5 * MIB))
          const small = await store.putBytes(patternBytes(5000))
          const json = await store.putJson({ list: Array.from({ length: 100 }, (_, i) => i) })
          await expectDeaiError(store.getBytes(big, { maxBytes: 2 * MIB }), 'CONTENT_TOO_LARGE')
          await expectDeaiError(collect(store.getStream(big, { maxBytes: MIB })), 'CONTENT_TOO_LARGE')
          await expectDeaiError(store.getBytes(small, { maxBytes: 4999 }), 'CONTENT_TOO_LARGE')
          await expectDeaiError(store.getJson(json, { maxBytes: 10 }), 'CONTENT_TOO_LARGE')
          expect((await store.getBytes(small, { maxBytes: 5000 })).byteLength).toBe(5000)
        })
        await withStore(
          async (store) => {
            const cid = await store.putBytes(patternBytes(2000))
            await expectDeaiError(store.getBytes(cid), 'CONTENT_TOO_LARGE')
            expect((await store.getBytes(cid, { maxBytes: 2000 })).byteLength).toBe(2000)
          },
          { maxBytes: 1000 },
        )
      })

      test('a bad maxBytes is CONTENT_INVALID_INPUT', () =>
        withStore(async (store) => {
          await expectDeaiError(store.getBytes(CIDS.hello, { maxBytes: -1 }), 'CONTENT_INVALID_INPUT')
          await expectDeaiError(store.getBytes(CIDS.hello, { maxBytes: 1.5 }), 'CONTENT_INVALID_INPUT')
        }))

      test('an aborted read is CONTENT_ABORTED', () =>
        withStore(async (store) => {
          const cid = await store.putBytes(patternBytes(2.5 * MIB))
          const controller = new AbortController()
          controller.abort()
          await expectDeaiError(store.getBytes(cid, { signal: controller.signal }), 'CONTENT_ABORTED')
        }))

      test('a closed store is CONTENT_STORE_CLOSED; closing twice is fine', async () => {
        const store = await harness.create()
        const cid = await store.putBytes(text('hello'))
        await store.close()
        await store.close()
        await expectDeaiError(store.getBytes(cid), 'CONTENT_STORE_CLOSED')
        await expectDeaiError(store.putJson({}), 'CONTENT_STORE_CLOSED')
        await expectDeaiError(store.has(cid), 'CONTENT_STORE_CLOSED')
      })
    })
  })
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<number> {
  let length = 0
  for await (const chunk of source) length += chunk.byteLength
  return length
}
