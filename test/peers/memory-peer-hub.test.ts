import { describe, expect, test } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { createMemoryPeerHub } from '../../src/peers/memory-peer-hub.js'
import { peerNetworkSuite } from './peer-network-suite.js'
import type { PeerMessage } from '../../src/peers/peer-network.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

peerNetworkSuite('memory hub', {
  create: async (options) => {
    const hub = createMemoryPeerHub({ ...options, onHandlerError: () => undefined })
    return { connect: async () => hub.connect(), settle: () => hub.idle(), close: () => hub.close() }
  },
})

const encode = (value: string): Uint8Array => new TextEncoder().encode(value)

describe('createMemoryPeerHub', () => {
  test('names peers peer-1, peer-2, ... skipping ids already taken', async () => {
    const hub = createMemoryPeerHub()
    const custom = hub.connect({ peerId: 'peer-2' })
    const first = hub.connect()
    const second = hub.connect()
    expect([custom.peerId, first.peerId, second.peerId]).toEqual(['peer-2', 'peer-1', 'peer-3'])
    expect(hub.peerIds()).toEqual(['peer-2', 'peer-1', 'peer-3'])
    await hub.close()
  })

  test('refuses a taken or malformed peer id', async () => {
    const hub = createMemoryPeerHub()
    hub.connect({ peerId: 'trainer-1' })
    expectDeaiErrorSync(() => hub.connect({ peerId: 'trainer-1' }), 'PEER_ID_TAKEN')
    expectDeaiErrorSync(() => hub.connect({ peerId: '' }), 'PEER_INVALID_ID')
    expectDeaiErrorSync(() => hub.connect({ peerId: 'x'.repeat(129) }), 'PEER_INVALID_ID')
    await hub.close()
  })

  test('a returning peer id goes on counting sequence numbers', async () => {
    const hub = createMemoryPeerHub()
    const listener = hub.connect()
    const seen: bigint[] = []
    listener.subscribe('t', (message) => void seen.push(message.sequenceNumber))
    const first = hub.connect({ peerId: 'trainer' })
    await first.publish('t', encode('1'))
    await first.close()
    const again = hub.connect({ peerId: 'trainer' })
    await again.publish('t', encode('2'))
    await hub.idle()
    expect(seen).toEqual([1n, 2n])
    await hub.close()
  })

  test('every subscriber sees the same global order', async () => {
    const hub = createMemoryPeerHub()
    const senders = [hub.connect(), hub.connect(), hub.connect()]
    const listeners = [hub.connect(), hub.connect()]
    const orders = listeners.map(() => [] as string[])
    listeners.forEach((listener, i) => listener.subscribe('t', (message) => void orders[i]?.push(`${message.from}:${message.sequenceNumber}`)))
    for (let round = 0; round < 5; round++) {
      for (const sender of [...senders].reverse()) await sender.publish('t', encode('x'))
    }
    await hub.idle()
    expect(orders[0]).toHaveLength(15)
    expect(orders[0]).toEqual(orders[1])
    await hub.close()
  })

  test('idle() waits for messages that handlers publish in turn', async () => {
    const hub = createMemoryPeerHub()
    const ping = hub.connect({ peerId: 'ping' })
    const pong = hub.connect({ peerId: 'pong' })
    const log: string[] = []
    const bounce = (self: typeof ping, label: string) => async (message: PeerMessage) => {
      const count = Number(new TextDecoder().decode(message.data))
      log.push(`${label}${count}`)
      if (count < 20) await self.publish('ball', encode(String(count + 1)))
    }
    ping.subscribe('ball', bounce(ping, 'ping'))
    pong.subscribe('ball', bounce(pong, 'pong'))
    await ping.publish('ball', encode('0'))
    await hub.idle()
    expect(log).toHaveLength(21)
    expect(log[0]).toBe('pong0')
    expect(log[20]).toBe('pong20')
    await hub.close()
  })

  test('handler errors go to onHandlerError, with the message and peer', async () => {
    const failures: Array<[string, string, string]> = []
    const hub = createMemoryPeerHub({
      onHandlerError: (error, message, peerId) => {
        failures.push([error instanceof Error ? error.message : String(error), message.topic, peerId])
        throw new Error('a broken hook must not stop delivery either')
      },
    })
    const [a, b] = [hub.connect(), hub.connect({ peerId: 'validator' })]
    let delivered = 0
    b.subscribe('t', () => {
      delivered++
      if (delivered === 1) throw new Error('boom')
    })
    await a.publish('t', encode('1'))
    await a.publish('t', encode('2'))
    await hub.idle()
    expect(failures).toEqual([['boom', 't', 'validator']])
    expect(delivered).toBe(2)
    await hub.close()
  })

  test('by default a handler error becomes a process warning', async () => {
    const hub = createMemoryPeerHub()
    const [a, b] = [hub.connect(), hub.connect()]
    b.subscribe('t', () => {
      throw new Error('boom')
    })
    const warning = new Promise<Error>((resolve) => process.once('warning', resolve))
    await a.publish('t', encode('1'))
    await hub.idle()
    const emitted = await warning
    expect(emitted.name).toBe('DeaiPeerHandlerWarning')
    expect(emitted.message).toMatch(/boom/)
    await hub.close()
  })

  test('close() closes every peer and refuses new ones', async () => {
    const hub = createMemoryPeerHub()
    const a = hub.connect()
    await hub.close()
    await expect(a.publish('t', encode('x'))).rejects.toSatisfy((error: unknown) => isDeaiError(error, 'PEER_NETWORK_CLOSED'))
    expectDeaiErrorSync(() => hub.connect(), 'PEER_NETWORK_CLOSED')
    expect(hub.peerIds()).toEqual([])
    await hub.idle()
  })

  test('refuses a bad size limit', () => {
    expectDeaiErrorSync(() => createMemoryPeerHub({ maxMessageBytes: -1 }), 'PEER_INVALID_MESSAGE')
  })
})
