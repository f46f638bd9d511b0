/**
 * The envelope a libp2p peer wraps each payload in: the sender's sequence number (1, 2, 3, ...
 * across all its topics, as `PeerMessage.sequenceNumber` promises) and the sequence number of
 * its previous message on the same topic (0 for none), so a receiver can restore each sender's
 * order per topic. gossipsub's own `seqno` is random, so it cannot serve.
 *
 * Layout: two unsigned LEB128 varints, then the payload bytes.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'

/** Most bytes the two varints take (each at most 10 bytes for a 64-bit number). */
export const ENVELOPE_OVERHEAD = 20

export type Envelope = { sequence: bigint; previous: bigint; payload: Uint8Array }

/** Encodes an envelope. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const head = [...varint(envelope.sequence), ...varint(envelope.previous)]
  const bytes = new Uint8Array(head.length + envelope.payload.byteLength)
  bytes.set(head)
  bytes.set(envelope.payload, head.length)
  return bytes
}

/**
 * Decodes an envelope received from a peer.
 * @throws DeaiError `PEER_INVALID_MESSAGE` for a malformed envelope
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let offset = 0
  const read = (): bigint => {
    let value = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = bytes[offset++]
      if (byte === undefined) throw malformed()
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
    }
    throw malformed()
  }
  const sequence = read()
  const previous = read()
  if (sequence === 0n || previous >= sequence) throw malformed()
  return { sequence, previous, payload: bytes.slice(offset) }
}

function varint(value: bigint): number[] {
  const out: number[] = []
  let rest = value
  do {
    const low = Number(rest & 0x7fn)
    rest >>= 7n
    out.push(rest === 0n ? low : low | 0x80)
  } while (rest !== 0n)
  return out
}

function malformed(): DeaiError {
  return new DeaiError('PEER_INVALID_MESSAGE', 'A message arrived with a malformed deai envelope.', {
    fixes: ['Ignore it: the sender is not a deai peer of this version.'],
  })
}
