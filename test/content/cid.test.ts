import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { describe, expect, test } from 'vitest'
import { normalizeCid } from '../../src/content/cid.js'
import { cidToDigest, digestToCid } from '../../src/content/cid-digest.js'
import { isDeaiError } from '../../src/errors/base.js'
import { CIDS } from './content-store-suite.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

describe('normalizeCid', () => {
  test('returns base32 CIDv1 strings for strings, CID objects, CIDv0 and base58 CIDv1', () => {
    expect(normalizeCid(CIDS.hello)).toBe(CIDS.hello)
    expect(normalizeCid(CID.parse(CIDS.hello))).toBe(CIDS.hello)
    // "hello" with Kubo's default (CIDv0) import; cross-checked with Debian's ipfs_cid.
    expect(normalizeCid('QmWfVY9y3xjsixTgbd9AorQxH7VtMpzfx2HaWtsoUYecaX')).toBe('bafybeid3weurg3gvyoi7nisadzolomlvoxoppe2sesktnpvdve3256n5tq')
    const base58 = CID.parse(CIDS.hello).toString(base58btc)
    expect(base58.startsWith('z')).toBe(true)
    expect(normalizeCid(base58)).toBe(CIDS.hello)
  })

  test('refuses what is not a CID, with CONTENT_INVALID_CID', () => {
    for (const input of ['', ' ', 'hello', `${CIDS.hello} `, CIDS.hello.toUpperCase().slice(1), 'Qm123']) {
      expectDeaiErrorSync(() => normalizeCid(input), 'CONTENT_INVALID_CID')
    }
    expectDeaiErrorSync(() => normalizeCid(undefined as unknown as string), 'CONTENT_INVALID_CID')
  })

  test('explains what a valid CID looks like', () => {
    try {
      normalizeCid('not-a-cid')
      expect.fail('should throw')
    } catch (error) {
      if (!isDeaiError(error)) throw error
      expect(error.fixes.join('\n')).toMatch(/base32/)
      expect(error.fixes.join('\n')).toMatch(/bafkrei/)
    }
  })
})

describe('cidToDigest / digestToCid', () => {
  test('split a CID into its sha2-256 digest and codec, and back', () => {
    expect(cidToDigest(CIDS.hello)).toEqual({
      // sha256("hello")
      digest: '0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      codec: 'raw',
    })
    for (const cid of [CIDS.hello, CIDS.twoAndAHalfMiB, CIDS.helloWorldJson]) {
      expect(digestToCid(cidToDigest(cid))).toBe(cid)
    }
    expect(cidToDigest(CIDS.twoAndAHalfMiB).codec).toBe('dag-pb')
    expect(cidToDigest(CIDS.helloWorldJson).codec).toBe('dag-json')
  })

  test('the same digest with another codec is another CID', () => {
    const { digest } = cidToDigest(CIDS.hello)
    expect(digestToCid({ digest, codec: 'dag-pb' })).not.toBe(CIDS.hello)
  })

  test('accepts upper-case hex', () => {
    const { digest, codec } = cidToDigest(CIDS.hello)
    expect(digestToCid({ digest: `0x${digest.slice(2).toUpperCase()}`, codec })).toBe(CIDS.hello)
  })

  test('refuses bad digests, unknown codecs and foreign CIDs', () => {
    expectDeaiErrorSync(() => digestToCid({ digest: '0x1234', codec: 'raw' }), 'CONTENT_INVALID_INPUT')
    expectDeaiErrorSync(() => digestToCid({ digest: `0x${'g'.repeat(64)}`, codec: 'raw' }), 'CONTENT_INVALID_INPUT')
    expectDeaiErrorSync(() => digestToCid({ digest: `0x${'0'.repeat(64)}`, codec: 'dag-cbor' as 'raw' }), 'CONTENT_INVALID_INPUT')
    const cbor = CID.createV1(0x71, CID.parse(CIDS.hello).multihash).toString()
    expectDeaiErrorSync(() => cidToDigest(cbor), 'CONTENT_WRONG_KIND')
    expectDeaiErrorSync(() => cidToDigest('nope'), 'CONTENT_INVALID_CID')
  })
})
