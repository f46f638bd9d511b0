/**
 * Parsing and normalising CIDs at the boundary.
 *
 * @packageDocumentation
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError } from '../errors/base.js'
import type { CidLike } from './content-store.js'

/** Longest CID string accepted; a sha2-256 CIDv1 in base32 is 59 characters. */
const MAX_CID_STRING_LENGTH = 256

const VALID_CID_HELP = [
  'Pass a CIDv1 as returned by a put, e.g. bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq: ' +
    'base32 lowercase, starting with "b", 59 characters for sha2-256 content.',
  'A base58 CIDv0 (Qm..., 46 characters) is accepted too and read as its CIDv1.',
]

/**
 * Turns a CID string or object into a CIDv1 object, checking that deai can verify it.
 *
 * @param input - a CID string (CIDv1 in base32/base58/base36, or a CIDv0) or a CID object
 * @returns the CIDv1
 * @throws DeaiError `CONTENT_INVALID_CID` if it is not a CID, `CONTENT_UNSUPPORTED_HASH` if it is
 *   not a sha2-256 CID
 */
export function toCid(input: unknown): CID {
  const cid = parse(input)
  if (cid.multihash.code !== sha256.code || cid.multihash.size !== 32) {
    throw new DeaiError('CONTENT_UNSUPPORTED_HASH', `CID ${cid.toString()} is not a sha2-256 CID, so its content cannot be verified.`, {
      details: [`multihash code: 0x${cid.multihash.code.toString(16)}, digest length: ${cid.multihash.size}`],
      fixes: ['Add the content to deai (or to IPFS with default hashing) to get a sha2-256 CID.'],
    })
  }
  return cid.version === 1 ? cid : cid.toV1()
}

/**
 * Checks a CID and returns it in canonical form: a base32 CIDv1 string, the form deai puts on
 * chain and into reports.
 *
 * @param input - a CID string or object
 * @returns the base32 CIDv1 string
 * @throws DeaiError `CONTENT_INVALID_CID` or `CONTENT_UNSUPPORTED_HASH`
 * @example
 * ```ts
 * import { normalizeCid } from 'deai'
 * normalizeCid('QmWfVY9y3xjsixTgbd9AorQxH7VtMpzfx2HaWtsoUYecaX')
 * // 'bafybeid3weurg3gvyoi7nisadzolomlvoxoppe2sesktnpvdve3256n5tq'
 * ```
 */
export function normalizeCid(input: CidLike): string {
  return toCid(input).toString()
}

function parse(input: unknown): CID {
  if (typeof input === 'string') {
    if (input.length === 0 || input.length > MAX_CID_STRING_LENGTH) {
      throw invalid(input, `a string of ${input.length} characters`)
    }
    try {
      return CID.parse(input)
    } catch (cause) {
      throw invalid(input, cause instanceof Error ? cause.message : String(cause), cause)
    }
  }
  const cid = CID.asCID(input)
  if (cid === null) throw invalid(input, `a value of type ${input === null ? 'null' : typeof input}`)
  return cid
}

function invalid(input: unknown, reason: string, cause?: unknown): DeaiError {
  const shown = typeof input === 'string' ? JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}...` : input) : 'The value'
  return new DeaiError('CONTENT_INVALID_CID', `${shown} is not a valid CID.`, {
    details: [`Reason: ${reason}`],
    fixes: VALID_CID_HELP,
    cause,
  })
}
