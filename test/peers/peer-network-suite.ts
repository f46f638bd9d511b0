/**
 * The compliance suite for PeerNetwork: every implementation (the in-process hub, libp2p
 * gossipsub) runs it.
 */
import { CID } from 'multiformats/cid'
import { afterEach, describe, expect, test } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { publishJson, readJsonMessage } from '../../src/peers/json-messages.js'
import type { PeerMessage, PeerNetwork } from '../../src/peers/peer-network.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

export type PeerNetworkHarness = {
  /** A fresh network with room for `count` peers, and its size limit. */
  create(options?: { maxMessageBytes?: number }): Promise<PeerNetworkFixture>
}

export type PeerNetworkFixture = {
  /** Adds a peer. */
  connect(): Promise<PeerNetwork>
  /** Resolves once every published message has been handled. */
  settle(): Promise<void>
  /** Closes every peer. */
  close(): Promise<void>
}

const encode = (value: string): Uint8Array => new TextEncoder().encode(value)
const decode = (message: PeerMessage): string => new TextDecoder().decode(message.data)

export function peerNetworkSuite(name: string, harness: PeerNetworkHarness): void {
  describe(`PeerNetwork compliance: ${name}`, () => {
    let fixture: PeerNetworkFixture | undefined
    const start = async (options?: { maxMessageBytes?: number }): Promise<PeerNetworkFixture> => {
      fixture = await harness.create(options)
      return fixture
    }
    afterEach(async () => {
      await fixture?.close()
      fixture = undefined
    })

    test('delivers a message to every other subscriber, not to the sender', async () => {
      const net = await start()
      const [a, b, c] = [await net.connect(), await net.connect(), await net.connect()]
      const seen: string[] = []
      for (const peer of [a, b, c]) peer.subscribe('updates', (message) => void seen.push(`${peer.peerId}<-${message.from}:${decode(message)}`))
      const result = await a.publish('updates', encode('cid-1'))
      expect(result.recipients.sort()).toEqual([b.peerId, c.peerId].sort())
      await net.settle()
      expect(seen.sort()).toEqual([`${b.peerId}<-${a.peerId}:cid-1`, `${c.peerId}<-${a.peerId}:cid-1`].sort())
    })

    test('delivers asynchronously: never inside publish', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      let calls = 0
      b.subscribe('t', () => void calls++)
      const publishing = a.publish('t', encode('x'))
      expect(calls).toBe(0)
      await publishing
      await net.settle()
      expect(calls).toBe(1)
    })

    test('keeps each sender’s order, with increasing sequence numbers, even with slow handlers', async () => {
      const net = await start()
      const [a, b, receiver] = [await net.connect(), await net.connect(), await net.connect()]
      const seen: PeerMessage[] = []
      receiver.subscribe('t', async (message) => {
        // Uneven async work per message must not reorder delivery.
        for (let i = 0; i < Number(message.sequenceNumber % 3n); i++) await Promise.resolve()
        seen.push(message)
      })
      for (let i = 0; i < 50; i++) {
        await a.publish('t', encode(`a${i}`))
        await b.publish('t', encode(`b${i}`))
      }
      await net.settle()
      for (const sender of [a, b]) {
        const mine = seen.filter((message) => message.from === sender.peerId)
        expect(mine.map(decode)).toEqual(Array.from({ length: 50 }, (_, i) => `${sender === a ? 'a' : 'b'}${i}`))
        expect(mine.map((message) => message.sequenceNumber)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)))
      }
    })

    test('numbers a sender’s messages across topics', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      const seen: Array<[string, bigint]> = []
      b.subscribe('x', (message) => void seen.push([message.topic, message.sequenceNumber]))
      b.subscribe('y', (message) => void seen.push([message.topic, message.sequenceNumber]))
      await a.publish('x', encode('1'))
      await a.publish('y', encode('2'))
      await a.publish('x', encode('3'))
      await net.settle()
      expect(seen.filter(([topic]) => topic === 'x')).toEqual([
        ['x', 1n],
        ['x', 3n],
      ])
      expect(seen.filter(([topic]) => topic === 'y')).toEqual([['y', 2n]])
    })

    test('keeps topics apart, and only delivers what was published after subscribing', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      await a.publish('round/1', encode('early'))
      const seen: string[] = []
      b.subscribe('round/1', (message) => void seen.push(decode(message)))
      await a.publish('round/2', encode('other topic'))
      await a.publish('round/1', encode('late'))
      await net.settle()
      expect(seen).toEqual(['late'])
    })

    test('unsubscribe stops delivery, including messages already queued', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      const seen: string[] = []
      const unsubscribe = b.subscribe('t', (message) => void seen.push(decode(message)))
      await a.publish('t', encode('1'))
      await net.settle()
      // Queued but not yet handled when the subscription ends (handlers run later).
      const queued = a.publish('t', encode('2'))
      unsubscribe()
      unsubscribe()
      await queued
      await a.publish('t', encode('3'))
      await net.settle()
      expect(seen).toEqual(['1'])
      expect((await a.publish('t', encode('4'))).recipients).toEqual([])
    })

    test('publishing with no subscribers is fine and reaches nobody', async () => {
      const net = await start()
      const a = await net.connect()
      a.subscribe('t', () => expect.fail('own message delivered'))
      expect(await a.publish('t', encode('x'))).toEqual({ recipients: [] })
      await net.settle()
    })

    test('each receiver gets its own copy; later changes by the sender do not leak', async () => {
      const net = await start()
      const [a, b, c] = [await net.connect(), await net.connect(), await net.connect()]
      const received: Uint8Array[] = []
      b.subscribe('t', (message) => {
        received.push(message.data)
        message.data[0] = 0
      })
      c.subscribe('t', (message) => void received.push(message.data))
      const data = encode('abc')
      const publishing = a.publish('t', data)
      data[1] = 0
      await publishing
      await net.settle()
      expect(received.map((bytes) => new TextDecoder().decode(bytes.subarray(1)))).toEqual(['bc', 'bc'])
      expect(received.some((bytes) => bytes[0] === 'a'.charCodeAt(0))).toBe(true)
    })

    test('caps message size at the boundary', async () => {
      const net = await start({ maxMessageBytes: 100 })
      const [a, b] = [await net.connect(), await net.connect()]
      let calls = 0
      b.subscribe('t', () => void calls++)
      await a.publish('t', new Uint8Array(100))
      await expectDeaiError(() => a.publish('t', new Uint8Array(101)), 'PEER_MESSAGE_TOO_LARGE')
      await expectDeaiError(() => publishJson(a, 't', { text: 'x'.repeat(100) }), 'PEER_MESSAGE_TOO_LARGE')
      await net.settle()
      expect(calls).toBe(1)
    })

    test('refuses bad topics and payloads', async () => {
      const net = await start()
      const a = await net.connect()
      for (const topic of ['', 'x'.repeat(257), 42, undefined]) {
        await expectDeaiError(() => a.publish(topic as string, encode('x')), 'PEER_INVALID_TOPIC')
        await expectDeaiError(() => a.subscribe(topic as string, () => undefined), 'PEER_INVALID_TOPIC')
      }
      await expectDeaiError(() => a.publish('t', 'text' as unknown as Uint8Array), 'PEER_INVALID_MESSAGE')
    })

    test('a closed peer can neither publish nor subscribe, and receives nothing more', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      const seen: string[] = []
      b.subscribe('t', (message) => void seen.push(decode(message)))
      const queued = a.publish('t', encode('queued'))
      const closing = b.close()
      await Promise.all([queued, closing])
      await b.close()
      await a.publish('t', encode('after'))
      await net.settle()
      expect(seen).toEqual([])
      await expectDeaiError(() => b.publish('t', encode('x')), 'PEER_NETWORK_CLOSED')
      await expectDeaiError(() => b.subscribe('t', () => undefined), 'PEER_NETWORK_CLOSED')
    })

    test('a throwing handler does not stop later deliveries', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      const seen: string[] = []
      b.subscribe('t', async (message) => {
        if (decode(message) === 'bad') throw new Error('handler bug')
        seen.push(decode(message))
      })
      for (const text of ['1', 'bad', '2']) await a.publish('t', encode(text))
      await net.settle()
      expect(seen).toEqual(['1', '2'])
    })

    test('carries JSON with links and big integers', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      const values: unknown[] = []
      b.subscribe('updates', (message) => void values.push(readJsonMessage(message)))
      const link = CID.parse('bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq')
      await publishJson(a, 'updates', { round: 3, update: 'bafk-as-string', link, stake: 2n ** 64n })
      await net.settle()
      expect(values).toHaveLength(1)
      const [value] = values as Array<{ round: number; update: string; link: unknown; stake: bigint }>
      expect(value?.round).toBe(3)
      expect(value?.update).toBe('bafk-as-string')
      expect(value?.stake).toBe(2n ** 64n)
      expect(CID.asCID(value?.link)?.equals(link)).toBe(true)
    })

    test('refuses values JSON cannot carry, and reports undecodable payloads', async () => {
      const net = await start()
      const [a, b] = [await net.connect(), await net.connect()]
      await expectDeaiError(() => publishJson(a, 't', { a: undefined }), 'PEER_INVALID_MESSAGE')
      await expectDeaiError(() => publishJson(a, 't', { a: Number.NaN }), 'PEER_INVALID_MESSAGE')
      const errors: string[] = []
      b.subscribe('t', (message) => {
        try {
          readJsonMessage(message)
        } catch (error) {
          if (isDeaiError(error)) errors.push(error.code)
        }
      })
      await a.publish('t', encode('{not json'))
      await net.settle()
      expect(errors).toEqual(['PEER_INVALID_MESSAGE'])
    })

    test('many peers: everyone hears everyone else, in each sender’s order', async () => {
      const net = await start()
      const peers: PeerNetwork[] = []
      for (let i = 0; i < 12; i++) peers.push(await net.connect())
      const heard = new Map<string, string[]>()
      for (const peer of peers) {
        heard.set(peer.peerId, [])
        peer.subscribe('gossip', (message) => void heard.get(peer.peerId)?.push(`${message.from}#${decode(message)}`))
      }
      for (let round = 0; round < 4; round++) {
        for (const peer of peers) await peer.publish('gossip', encode(String(round)))
      }
      await net.settle()
      for (const peer of peers) {
        const messages = heard.get(peer.peerId) ?? []
        expect(messages).toHaveLength(11 * 4)
        expect(messages.some((entry) => entry.startsWith(`${peer.peerId}#`))).toBe(false)
        for (const other of peers) {
          if (other === peer) continue
          expect(messages.filter((entry) => entry.startsWith(`${other.peerId}#`))).toEqual(['0', '1', '2', '3'].map((round) => `${other.peerId}#${round}`))
        }
      }
    })
  })
}
