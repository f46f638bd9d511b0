import { describe, expect, test, vi } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { decodeEnvelope, encodeEnvelope } from '../../src/peers/libp2p/envelope.js'
import type { Envelope } from '../../src/peers/libp2p/envelope.js'
import { senderOrder } from '../../src/peers/libp2p/sender-order.js'

const env = (sequence: bigint, previous: bigint): Envelope => ({ sequence, previous, payload: new Uint8Array([Number(sequence)]) })

describe('envelope', () => {
  test('round-trips sequence numbers of any size and the payload', () => {
    for (const [sequence, previous] of [[1n, 0n], [300n, 299n], [2n ** 63n, 5n]] as const) {
      const bytes = encodeEnvelope({ sequence, previous, payload: new Uint8Array([7, 8]) })
      expect(decodeEnvelope(bytes)).toEqual({ sequence, previous, payload: new Uint8Array([7, 8]) })
    }
    expect(encodeEnvelope(env(1n, 0n)).subarray(0, 2)).toEqual(new Uint8Array([1, 0]))
  })

  test('refuses truncated, zero or backwards sequence numbers', () => {
    for (const bytes of [new Uint8Array([]), new Uint8Array([0x80]), new Uint8Array([0, 0]), new Uint8Array([3, 3]), new Uint8Array(11).fill(0xff)]) {
      let error: unknown
      try {
        decodeEnvelope(bytes)
      } catch (e) {
        error = e
      }
      expect(isDeaiError(error, 'PEER_INVALID_MESSAGE')).toBe(true)
    }
  })
})

describe('senderOrder', () => {
  test('restores a sender\'s order per topic and drops repeats', () => {
    const out: bigint[] = []
    const order = senderOrder<bigint>((n) => void out.push(n))
    order.accept('a', 't', env(1n, 0n), 1n)
    order.accept('a', 't', env(4n, 2n), 4n) // waits for 2
    order.accept('a', 'u', env(3n, 0n), 3n) // another topic: at once
    order.accept('a', 't', env(2n, 1n), 2n)
    order.accept('a', 't', env(2n, 1n), 2n) // repeat
    expect(out).toEqual([1n, 3n, 2n, 4n])
    order.close()
  })

  test('skips a gap that does not fill within the hold time', () => {
    vi.useFakeTimers()
    try {
      const out: bigint[] = []
      const order = senderOrder<bigint>((n) => void out.push(n), 500)
      order.accept('a', 't', env(1n, 0n), 1n)
      order.accept('a', 't', env(5n, 3n), 5n)
      order.accept('a', 't', env(7n, 5n), 7n)
      expect(out).toEqual([1n])
      vi.advanceTimersByTime(500)
      expect(out).toEqual([1n, 5n, 7n])
      order.accept('a', 't', env(3n, 1n), 3n) // too late: dropped
      expect(out).toEqual([1n, 5n, 7n])
    } finally {
      vi.useRealTimers()
    }
  })
})
