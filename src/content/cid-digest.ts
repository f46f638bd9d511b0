/**
 * CIDs to and from 32-byte sha2-256 digests, for on-chain commitments.
 *
 * Trade-off: a `bytes32` digest costs one storage slot and fixed calldata, and compares with
 * `==` in Solidity; a CID string costs three slots or more and variable calldata. But the digest
 * alone drops the codec: the same bytes are `raw` up to 1 MiB and `dag-pb` above, and JSON is
 * `dag-json`, so a reader needs the codec to rebuild the CID. Store it next to the digest (a
 * `uint8`-sized tag is enough), or fix it per field, or store the CID string where gas does not
 * matter. Both forms name the same content; the digest is the hash of the root block, not of
 * the file bytes (except for `raw`, where the two are equal).
 *
 * @packageDocumentation
 */
import * as dagJson from '@ipld/dag-json'
import { CID } from 'multiformats/cid'
import { fromHex, toHex } from 'multiformats/bytes'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError } from '../errors/base.js'
import { toCid } from './cid.js'
import type { CidLike } from './content-store.js'

/** The codecs of deai content: `raw` and `dag-pb` (bytes, tensors), `dag-json` (JSON). */
export type ContentCodec = 'raw' | 'dag-pb' | 'dag-json'

/** A CID split for on-chain storage. */
export type CidDigest = {
  /** The sha2-256 digest of the root block, as a `0x`-prefixed 64-digit hex string (bytes32). */
  digest: `0x${string}`
  /** The codec needed to rebuild the CID. */
  codec: ContentCodec
}

const CODECS: ReadonlyArray<readonly [ContentCodec, number]> = [
  ['raw', raw.code],
  ['dag-pb', 0x70],
  ['dag-json', dagJson.code],
]

/**
 * Splits a CID into its 32-byte sha2-256 digest and its codec.
 *
 * @param cid - a sha2-256 CID of deai content
 * @returns the digest (bytes32 hex) and codec
 * @throws DeaiError `CONTENT_INVALID_CID`, `CONTENT_UNSUPPORTED_HASH`, or `CONTENT_WRONG_KIND`
 *   for a codec deai does not store
 * @example
 * ```ts
 * import { cidToDigest, digestToCid } from 'deai'
 * const { digest, codec } = cidToDigest(cid) // digest: '0x…' (bytes32), codec: 'raw'
 * digestToCid({ digest, codec }) === cid // true
 * ```
 */
export function cidToDigest(cid: CidLike): CidDigest {
  const parsed = toCid(cid)
  const codec = CODECS.find(([, code]) => code === parsed.code)?.[0]
  if (codec === undefined) {
    throw new DeaiError('CONTENT_WRONG_KIND', `CID ${parsed.toString()} has codec 0x${parsed.code.toString(16)}, which deai does not store.`, {
      fixes: ['Only raw, dag-pb and dag-json CIDs (from putBytes, putTensor, putJson) can be split into a digest.'],
    })
  }
  return { digest: `0x${toHex(parsed.multihash.digest)}`, codec }
}

/**
 * Rebuilds the base32 CIDv1 from a digest and codec.
 *
 * @param parts - the digest (bytes32 hex) and codec, as returned by {@link cidToDigest}
 * @returns the CID string
 * @throws DeaiError `CONTENT_INVALID_INPUT` for a malformed digest or unknown codec
 */
export function digestToCid(parts: CidDigest): string {
  const { digest, codec } = parts
  if (typeof digest !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(digest)) {
    throw new DeaiError('CONTENT_INVALID_INPUT', `${JSON.stringify(digest)} is not a 32-byte hex digest.`, {
      fixes: ['Pass 0x followed by 64 hex digits, e.g. a bytes32 read from a contract.'],
    })
  }
  const code = CODECS.find(([name]) => name === codec)?.[1]
  if (code === undefined) {
    throw new DeaiError('CONTENT_INVALID_INPUT', `Unknown codec ${JSON.stringify(codec)}.`, {
      fixes: ["Use 'raw', 'dag-pb' or 'dag-json'."],
    })
  }
  return CID.createV1(code, createDigest(sha256.code, fromHex(digest.slice(2).toLowerCase()))).toString()
}
