/**
 * The libp2p implementation of {@link PeerNetwork}: TCP, noise encryption, yamux multiplexing,
 * identify, gossipsub for announcements, pubsub peer discovery (peers announce their addresses
 * on a discovery topic, so a node that knows one bootstrap peer finds the rest), and the block
 * protocol of `block-exchange.ts` for content by CID.
 *
 * Delivery semantics against the contract: gossipsub's `emitSelf` is off; each payload travels
 * in an envelope with the sender's sequence number and its predecessor on the topic, so the
 * receiver restores each sender's order (`sender-order.ts`); each subscription has its own
 * queue (`delivery-queue.ts`). What differs from the in-process hub: subscriptions propagate
 * to other peers within a network round trip, so a message published in the instant after a
 * remote subscribe may not reach it, and `recipients` lists the directly connected peers
 * gossipsub knew as subscribers when publishing.
 *
 * @packageDocumentation
 */
import './with-resolvers.js'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery'
import { tcp } from '@libp2p/tcp'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2pOptions } from 'libp2p'
import type { GossipsubEvents } from '@chainsafe/libp2p-gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, Message, PeerId, PubSub } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { DeaiError } from '../../errors/base.js'
import { DEFAULT_MAX_MESSAGE_BYTES, assertPayload, assertTopic } from '../message-limits.js'
import type { PeerMessage, PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from '../peer-network.js'
import { notFoundAtPeers, requestBlock, serveBlocks } from './block-exchange.js'
import type { BlockRequestFailure } from './block-exchange.js'
import { deliveryQueue } from './delivery-queue.js'
import type { DeliveryQueue } from './delivery-queue.js'
import { ENVELOPE_OVERHEAD, decodeEnvelope, encodeEnvelope } from './envelope.js'
import { senderOrder } from './sender-order.js'
import type { PeerPrivateKey } from './peer-key.js'

/** The libp2p services a peer runs: gossipsub for topics, identify for the handshake. */
type PeerServices = { pubsub: PubSub<GossipsubEvents>; identify: Identify }

/** The topic peers announce their addresses on. */
export const DISCOVERY_TOPIC = 'deai/_peer-discovery._p2p._pubsub'

export type Libp2pPeerInit = {
  /**
   * Multiaddrs to listen on.
   * @default ['/ip4/127.0.0.1/tcp/0'] (loopback, any free port)
   */
  listen?: string[]
  /** Multiaddrs (ending in `/p2p/<peer id>`) of peers to connect to and keep connected to. */
  bootstrap?: string[]
  /** This peer's identity key; a new Ed25519 key when absent. */
  privateKey?: PeerPrivateKey
  /**
   * Largest payload a peer may publish or receive, in bytes.
   * @default 1048576 (1 MiB)
   */
  maxMessageBytes?: number
  /** Local blocks to serve to peers that ask by CID. */
  blockstore?: Blockstore
  /**
   * How long to wait for one peer's answer to a block request.
   * @default 10000
   */
  blockTimeoutMs?: number
  /**
   * Seconds between announcements of this peer's addresses on the discovery topic.
   * @default 5
   */
  discoveryIntervalSeconds?: number
  /** Called when a subscription's handler throws or rejects. */
  onHandlerError?: (error: unknown, message: PeerMessage) => void
  /** Called on connection events and bootstrap dial failures (for logs). */
  onEvent?: (event: Libp2pPeerEvent) => void
}

/** What a libp2p peer reports as it runs. */
export type Libp2pPeerEvent =
  | { kind: 'connected'; peer: string }
  | { kind: 'disconnected'; peer: string }
  | { kind: 'dial-failed'; address: string; error: string; retryInMs: number }

/** A peer on a libp2p network: the {@link PeerNetwork} contract plus connections and blocks. */
export interface Libp2pPeer extends PeerNetwork {
  /** The addresses this peer listens on, each ending in `/p2p/<peer id>`. */
  multiaddrs(): string[]
  /** Ids of the peers this one is connected to. */
  connections(): string[]
  /** Ids of the connected peers this one knows to be subscribed to `topic`. */
  subscribers(topic: string): string[]
  /**
   * Connects to a peer.
   * @throws DeaiError `PEER_DIAL_FAILED`
   */
  dial(address: string, options?: { signal?: AbortSignal }): Promise<void>
  /**
   * Fetches one block by CID from connected peers (the `providers` first), checking its hash.
   * @throws DeaiError `CONTENT_NOT_FOUND` when no peer has it, `CONTENT_ABORTED`
   */
  fetchBlock(cid: CID, options?: { signal?: AbortSignal; providers?: readonly string[] }): Promise<Uint8Array>
}

/**
 * Starts a libp2p peer.
 *
 * @param init - see {@link Libp2pPeerInit}
 * @returns a started peer; `close()` stops it
 * @throws DeaiError `PEER_LISTEN_FAILED` if it cannot listen on the addresses
 * @example
 * ```ts
 * import { createLibp2pPeer, publishJson } from 'deai'
 * const a = await createLibp2pPeer()
 * const b = await createLibp2pPeer({ bootstrap: a.multiaddrs() })
 * b.subscribe('deai/task/1/updates', (message) => console.log(message.from))
 * await publishJson(a, 'deai/task/1/updates', { round: 1 })
 * ```
 */
export async function createLibp2pPeer(init: Libp2pPeerInit = {}): Promise<Libp2pPeer> {
  const maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 0) {
    throw new DeaiError('PEER_INVALID_MESSAGE', `maxMessageBytes must be a non-negative integer, got ${String(maxMessageBytes)}.`, {
      fixes: ['Pass a byte count, e.g. 1048576 for 1 MiB.'],
    })
  }
  const listen = init.listen ?? ['/ip4/127.0.0.1/tcp/0']
  for (const address of [...listen, ...(init.bootstrap ?? [])]) parseAddress(address)
  let libp2p: Libp2p<PeerServices>
  try {
    libp2p = await createLibp2p({
      // The key's type comes from @libp2p/crypto, whose declarations resolve another copy of @libp2p/interface.
      ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey as NonNullable<Libp2pOptions<PeerServices>['privateKey']> }),
      addresses: { listen },
      // Many peers of a test or a small network share one host; the default (5 inbound
      // connections per second per host) would refuse them.
      connectionManager: { inboundConnectionThreshold: 100, maxIncomingPendingConnections: 50 },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [pubsubPeerDiscovery({ interval: (init.discoveryIntervalSeconds ?? 5) * 1000, topics: [DISCOVERY_TOPIC] })],
      services: {
        identify: identify(),
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          floodPublish: true,
          fallbackToFloodsub: false,
          // Handle each peer's messages one after another, so a direct link keeps its order.
          awaitRpcHandler: true,
          awaitRpcMessageHandler: true,
          maxInboundDataLength: maxMessageBytes + ENVELOPE_OVERHEAD + 64 * 1024,
          // Scores would grey-list quiet test peers; deai judges peers by the chain instead.
          scoreThresholds: { gossipThreshold: -Infinity, publishThreshold: -Infinity, graylistThreshold: -Infinity, acceptPXThreshold: Infinity, opportunisticGraftThreshold: Infinity },
        }),
      },
    })
  } catch (cause) {
    throw new DeaiError('PEER_LISTEN_FAILED', `Cannot start the libp2p peer on ${listen.join(', ')}.`, {
      details: [cause instanceof Error ? cause.message : String(cause)],
      fixes: ['Check that the port is free (or use port 0) and the address is one of this machine\'s.'],
      cause,
    })
  }
  const peer = new Peer(libp2p, init, maxMessageBytes)
  if (init.blockstore !== undefined) await serveBlocks(libp2p, init.blockstore, init.blockTimeoutMs ?? 10_000)
  peer.start(init.bootstrap ?? [])
  return peer
}

function parseAddress(address: string) {
  try {
    return multiaddr(address)
  } catch (cause) {
    throw new DeaiError('PEER_INVALID_ADDRESS', `${JSON.stringify(address)} is not a multiaddr.`, {
      fixes: ['Write it like /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... (the address another node prints at start).'],
      cause,
    })
  }
}

class Peer implements Libp2pPeer {
  readonly peerId: string
  readonly #libp2p: Libp2p<PeerServices>
  readonly #pubsub: PubSub<GossipsubEvents>
  readonly #init: Libp2pPeerInit
  readonly #maxMessageBytes: number
  readonly #topics = new Map<string, Set<DeliveryQueue>>()
  readonly #order = senderOrder<PeerMessage>((message) => this.#fanOut(message))
  readonly #previousOnTopic = new Map<string, bigint>()
  readonly #stop = new AbortController()
  #sequence = 0n
  #closed = false

  constructor(libp2p: Libp2p<PeerServices>, init: Libp2pPeerInit, maxMessageBytes: number) {
    this.#libp2p = libp2p
    this.#pubsub = libp2p.services.pubsub
    this.#init = init
    this.#maxMessageBytes = maxMessageBytes
    this.peerId = libp2p.peerId.toString()
    this.#pubsub.addEventListener('message', (event) => this.#receive(event.detail))
    libp2p.addEventListener('peer:discovery', (event) => {
      if (this.#closed || event.detail.id.equals(libp2p.peerId)) return
      if (libp2p.getConnections(event.detail.id).length > 0) return
      // A fresh timeout per dial (stopping libp2p aborts dials in flight anyway).
      libp2p.dial(event.detail.id, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    })
    libp2p.addEventListener('peer:connect', (event) => init.onEvent?.({ kind: 'connected', peer: event.detail.toString() }))
    libp2p.addEventListener('peer:disconnect', (event) => {
      this.#order.forget(event.detail.toString())
      init.onEvent?.({ kind: 'disconnected', peer: event.detail.toString() })
    })
  }

  /** Keeps the bootstrap peers connected, retrying with back-off (1 s doubling to 30 s). */
  start(bootstrap: readonly string[]): void {
    for (const address of bootstrap) void this.#keepConnected(address)
  }

  async #keepConnected(address: string): Promise<void> {
    const target = parseAddress(address)
    const id = target.getPeerId()
    let delay = 1000
    while (!this.#closed) {
      const connected = id !== null && this.#libp2p.getConnections(peerIdFromString(id)).length > 0
      if (!connected) {
        try {
          await this.#libp2p.dial(target, { signal: AbortSignal.timeout(10_000) })
          delay = 1000
        } catch (error) {
          if (this.#closed) return
          this.#init.onEvent?.({ kind: 'dial-failed', address, error: error instanceof Error ? error.message : String(error), retryInMs: delay })
          await sleep(delay, this.#stop.signal)
          delay = Math.min(delay * 2, 30_000)
          continue
        }
      }
      await sleep(2000, this.#stop.signal)
    }
  }

  multiaddrs(): string[] {
    return this.#libp2p.getMultiaddrs().map((m) => m.toString())
  }

  connections(): string[] {
    return [...new Set(this.#libp2p.getConnections().map((c) => c.remotePeer.toString()))]
  }

  subscribers(topic: string): string[] {
    if (this.#closed) return []
    return this.#pubsub.getSubscribers(topic).map((id) => id.toString())
  }

  async dial(address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#assertOpen()
    try {
      await this.#libp2p.dial(parseAddress(address), options.signal === undefined ? {} : { signal: options.signal })
    } catch (cause) {
      throw new DeaiError('PEER_DIAL_FAILED', `Cannot connect to ${address}.`, {
        details: [cause instanceof Error ? cause.message : String(cause)],
        fixes: ['Check that the peer is running and listening there, and that the /p2p/ id is its current one.'],
        cause,
      })
    }
  }

  async fetchBlock(cid: CID, options: { signal?: AbortSignal; providers?: readonly string[] } = {}): Promise<Uint8Array> {
    this.#assertOpen()
    const hinted = (options.providers ?? []).filter((id) => id !== this.peerId)
    const order = [...new Set([...hinted, ...this.connections()])]
    const failures: BlockRequestFailure[] = []
    for (const id of order) {
      let remote: PeerId
      try {
        remote = peerIdFromString(id)
      } catch {
        continue
      }
      const result = await requestBlock(this.#libp2p, remote, cid, this.#init.blockTimeoutMs ?? 10_000, options.signal)
      if (result instanceof Uint8Array) return result
      failures.push(result)
    }
    throw notFoundAtPeers(cid, failures)
  }

  async publish(topic: string, data: Uint8Array): Promise<PublishResult> {
    this.#assertOpen()
    assertTopic(topic)
    assertPayload(data, this.#maxMessageBytes)
    this.#sequence++
    const sequence = this.#sequence
    const previous = this.#previousOnTopic.get(topic) ?? 0n
    this.#previousOnTopic.set(topic, sequence)
    const result = await this.#pubsub.publish(topic, encodeEnvelope({ sequence, previous, payload: data }))
    return { recipients: result.recipients.map((id) => id.toString()).filter((id) => id !== this.peerId) }
  }

  subscribe(topic: string, handler: PeerMessageHandler): Unsubscribe {
    this.#assertOpen()
    assertTopic(topic)
    const queue = deliveryQueue(topic, handler, (error, message) => this.#handlerFailed(error, message))
    let set = this.#topics.get(topic)
    if (set === undefined) {
      set = new Set()
      this.#topics.set(topic, set)
      this.#pubsub.subscribe(topic)
    }
    set.add(queue)
    return () => {
      const current = this.#topics.get(topic)
      if (current === undefined || !current.delete(queue)) return
      queue.stop()
      if (current.size === 0) {
        this.#topics.delete(topic)
        if (!this.#closed) this.#pubsub.unsubscribe(topic)
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stop.abort()
    for (const set of this.#topics.values()) for (const queue of set) queue.stop()
    this.#topics.clear()
    this.#order.close()
    await this.#libp2p.stop()
  }

  #receive(message: Message): void {
    if (this.#closed || message.type !== 'signed' || !this.#topics.has(message.topic)) return
    // Cap before decoding (gossipsub already capped the frame).
    if (message.data.byteLength > this.#maxMessageBytes + ENVELOPE_OVERHEAD) return
    const from = message.from.toString()
    if (from === this.peerId) return
    let envelope
    try {
      envelope = decodeEnvelope(message.data)
    } catch {
      return
    }
    if (envelope.payload.byteLength > this.#maxMessageBytes) return
    this.#order.accept(from, message.topic, envelope, { topic: message.topic, from, sequenceNumber: envelope.sequence, data: envelope.payload })
  }

  #fanOut(message: PeerMessage): void {
    for (const queue of this.#topics.get(message.topic) ?? []) queue.push({ ...message, data: message.data.slice() })
  }

  #handlerFailed(error: unknown, message: PeerMessage): void {
    if (this.#init.onHandlerError !== undefined) {
      this.#init.onHandlerError(error, message)
      return
    }
    const text = error instanceof Error ? error.message : String(error)
    process.emitWarning(`Handler of peer ${this.peerId} failed on a message from ${message.from} on ${message.topic}: ${text}`, 'DeaiPeerHandlerWarning')
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new DeaiError('PEER_NETWORK_CLOSED', 'This peer is closed.', { fixes: ['Start a new peer with createLibp2pPeer.'] })
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
