/**
 * The libp2p peer against the PeerNetwork compliance suite, over TCP on 127.0.0.1.
 *
 * A real network needs time that an in-process hub does not: a subscription reaches other
 * peers within a round trip. The fixture stands in for that time by waiting, before each
 * publish, until the publisher's view of who subscribes to the topic matches the fixture's
 * peers; and `settle` waits until every live subscription has handled what was sent to it.
 */
import { describe, expect, test } from 'vitest'
import { createLibp2pPeer } from '../../src/peers/libp2p/create-libp2p-peer.js'
import type { Libp2pPeer } from '../../src/peers/libp2p/create-libp2p-peer.js'
import type { PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from '../../src/peers/peer-network.js'
import { peerNetworkSuite } from './peer-network-suite.js'

type Subscription = { topic: string; expected: number; handled: number; active: boolean }

type Tracked = { inner: Libp2pPeer; subscriptions: Set<Subscription>; open: boolean }

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function createFixture(options?: { maxMessageBytes?: number }) {
  const peers: Tracked[] = []
  const converged = (publisher: Tracked, topic: string): boolean => {
    const known = new Set(publisher.inner.subscribers(topic))
    return peers.every((p) => p === publisher || !p.open || [...p.subscriptions].some((s) => s.active && s.topic === topic) === known.has(p.inner.peerId))
  }
  const wrap = (tracked: Tracked): PeerNetwork => ({
    peerId: tracked.inner.peerId,
    async publish(topic: string, data: Uint8Array): Promise<PublishResult> {
      let payload = data
      if (typeof topic === 'string' && topic.length > 0 && tracked.open && !converged(tracked, topic)) {
        // The wait stands in for network time; the peer itself copies at the call (tested below).
        payload = data instanceof Uint8Array ? data.slice() : data
        await waitFor(() => converged(tracked, topic), `subscriptions on ${topic}`)
      }
      const targets = peers.flatMap((p) => (p === tracked ? [] : [...p.subscriptions].filter((s) => s.active && s.topic === topic)))
      const result = await tracked.inner.publish(topic, payload)
      for (const s of targets) s.expected++
      return result
    },
    subscribe(topic: string, handler: PeerMessageHandler): Unsubscribe {
      const subscription: Subscription = { topic, expected: 0, handled: 0, active: true }
      const stop = tracked.inner.subscribe(topic, async (message) => {
        try {
          await handler(message)
        } finally {
          subscription.handled++
        }
      })
      tracked.subscriptions.add(subscription)
      return () => {
        subscription.active = false
        stop()
      }
    },
    async close() {
      tracked.open = false
      for (const s of tracked.subscriptions) s.active = false
      await tracked.inner.close()
    },
  })
  return {
    async connect(): Promise<PeerNetwork> {
      const inner = await createLibp2pPeer({ ...options, onHandlerError: () => undefined, discoveryIntervalSeconds: 60 })
      for (const other of peers) if (other.open) await inner.dial(other.inner.multiaddrs()[0]!)
      const tracked: Tracked = { inner, subscriptions: new Set(), open: true }
      peers.push(tracked)
      return wrap(tracked)
    },
    async settle(): Promise<void> {
      const live = () => peers.flatMap((p) => (p.open ? [...p.subscriptions].filter((s) => s.active) : []))
      await waitFor(() => live().every((s) => s.handled >= s.expected), 'deliveries')
      // Room for a message that should not arrive (a sender's own, a duplicate) to show up.
      await new Promise((resolve) => setTimeout(resolve, 50))
    },
    async close(): Promise<void> {
      await Promise.all(peers.map((p) => p.inner.close()))
    },
  }
}

peerNetworkSuite('libp2p (TCP, noise, yamux, gossipsub)', { create: async (options) => createFixture(options) })

describe('createLibp2pPeer', () => {
  test('listens on loopback and names its peer id in its addresses', async () => {
    const peer = await createLibp2pPeer()
    try {
      expect(peer.multiaddrs().length).toBeGreaterThan(0)
      for (const address of peer.multiaddrs()) expect(address).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peer.peerId}$`))
    } finally {
      await peer.close()
    }
  })

  test('finds peers it was not told about through a shared bootstrap peer', async () => {
    const hub = await createLibp2pPeer({ discoveryIntervalSeconds: 1 })
    const a = await createLibp2pPeer({ bootstrap: hub.multiaddrs(), discoveryIntervalSeconds: 1 })
    const b = await createLibp2pPeer({ bootstrap: hub.multiaddrs(), discoveryIntervalSeconds: 1 })
    try {
      await waitFor(() => a.connections().includes(b.peerId) && b.connections().includes(a.peerId), 'a and b to connect', 20_000)
    } finally {
      await Promise.all([a.close(), b.close(), hub.close()])
    }
  })

  test('keeps dialling a bootstrap peer that is down at start, with back-off', async () => {
    const events: string[] = []
    const first = await createLibp2pPeer()
    const address = first.multiaddrs()[0]!
    await first.close()
    const waiting = await createLibp2pPeer({ bootstrap: [address], onEvent: (e) => void events.push(e.kind) })
    try {
      await waitFor(() => events.includes('dial-failed'), 'a failed dial')
      expect(waiting.connections()).toEqual([])
    } finally {
      await waiting.close()
    }
  })

  test('publish copies the payload at the call', async () => {
    const a = await createLibp2pPeer({ discoveryIntervalSeconds: 60 })
    const b = await createLibp2pPeer({ bootstrap: a.multiaddrs(), discoveryIntervalSeconds: 60 })
    try {
      const received: string[] = []
      b.subscribe('t', (message) => void received.push(new TextDecoder().decode(message.data)))
      await waitFor(() => a.subscribers('t').includes(b.peerId), 'b to subscribe')
      const data = new TextEncoder().encode('abc')
      const publishing = a.publish('t', data)
      data[0] = 'x'.charCodeAt(0)
      expect((await publishing).recipients).toEqual([b.peerId])
      await waitFor(() => received.length === 1, 'delivery')
      expect(received).toEqual(['abc'])
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  test('refuses a malformed multiaddr', async () => {
    await expect(createLibp2pPeer({ bootstrap: ['not-an-address'] })).rejects.toMatchObject({ code: 'PEER_INVALID_ADDRESS' })
  })
})
