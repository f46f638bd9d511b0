/**
 * The in-process peer network: a hub that many peers in one process connect to.
 *
 * Delivery: a publish puts a copy of the message on the queue of every subscription to the
 * topic held by another peer, in publish order, and returns; handlers run later, from a
 * microtask. So every subscriber sees all messages in one global publish order (stronger than
 * the per-sender order the `PeerNetwork` contract promises), which keeps simulations
 * reproducible. The sender never receives its own messages.
 *
 * Not a coordinator that peers must trust: it only moves bytes between peers of one process,
 * as a test double for gossipsub.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'
import { DEFAULT_MAX_MESSAGE_BYTES, assertPayload, assertTopic } from './message-limits.js'
import type { PeerMessage, PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from './peer-network.js'

/** Longest peer id accepted by `connect`. */
const MAX_PEER_ID_LENGTH = 128

export type MemoryPeerHubInit = {
  /**
   * Largest payload a peer may publish, in bytes.
   * @default 1048576 (1 MiB)
   */
  maxMessageBytes?: number
  /**
   * Called when a handler throws or rejects. Delivery goes on either way.
   * @default emits a Node process warning (`DeaiPeerHandlerWarning`)
   */
  onHandlerError?: (error: unknown, message: PeerMessage, peerId: string) => void
}

export type MemoryPeerInit = {
  /**
   * This peer's id; must be unique among the hub's connected peers.
   * @default `peer-1`, `peer-2`, ... (the first free one)
   */
  peerId?: string
}

/** A set of in-process peers that can reach each other. */
export interface MemoryPeerHub {
  /**
   * Adds a peer to the hub.
   * @param init - optionally, its peer id
   * @returns the peer's network
   * @throws DeaiError `PEER_ID_TAKEN`, `PEER_INVALID_ID`, `PEER_NETWORK_CLOSED`
   */
  connect(init?: MemoryPeerInit): PeerNetwork

  /** Ids of the connected peers, in connection order. */
  peerIds(): string[]

  /**
   * Resolves once no message is queued and no handler is running, including messages that
   * handlers publish in turn. Use it to let a simulation step settle.
   */
  idle(): Promise<void>

  /** Closes every peer and refuses new ones. */
  close(): Promise<void>
}

/**
 * Creates an in-process hub.
 *
 * @param init - see {@link MemoryPeerHubInit}
 * @returns the hub
 * @example
 * ```ts
 * import { createMemoryPeerHub, publishJson, readJsonMessage } from 'deai'
 * const hub = createMemoryPeerHub()
 * const trainer = hub.connect({ peerId: 'trainer-1' })
 * const validator = hub.connect({ peerId: 'validator-1' })
 * validator.subscribe('round/1/updates', (message) => console.log(message.from, readJsonMessage(message)))
 * await publishJson(trainer, 'round/1/updates', { cid: 'bafk...' })
 * await hub.idle() // validator's handler has run
 * ```
 */
export function createMemoryPeerHub(init: MemoryPeerHubInit = {}): MemoryPeerHub {
  return new Hub(init)
}

class Hub implements MemoryPeerHub {
  readonly maxMessageBytes: number
  readonly #onHandlerError: (error: unknown, message: PeerMessage, peerId: string) => void
  readonly #peers = new Map<string, Peer>()
  readonly #topics = new Map<string, Set<Subscription>>()
  /** Last sequence number per peer id; kept after a peer leaves so a returning id goes on counting. */
  readonly #sequence = new Map<string, bigint>()
  #pending = 0
  #idleWaiters: Array<() => void> = []
  #nextDefaultId = 1
  #closed = false

  constructor(init: MemoryPeerHubInit) {
    const max = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new DeaiError('PEER_INVALID_MESSAGE', `maxMessageBytes must be a non-negative integer, got ${String(max)}.`, {
        fixes: ['Pass a byte count, e.g. 1048576 for 1 MiB.'],
      })
    }
    this.maxMessageBytes = max
    this.#onHandlerError = init.onHandlerError ?? warn
  }

  connect(init: MemoryPeerInit = {}): PeerNetwork {
    if (this.#closed) throw closedError('hub')
    const peerId = init.peerId ?? this.#freeId()
    if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_LENGTH) {
      throw new DeaiError('PEER_INVALID_ID', `A peer id must be a non-empty string of at most ${MAX_PEER_ID_LENGTH} characters.`, {
        fixes: ['Pass a short id such as "trainer-3", or leave it out to get one.'],
      })
    }
    if (this.#peers.has(peerId)) {
      throw new DeaiError('PEER_ID_TAKEN', `Peer id ${JSON.stringify(peerId)} is already connected to this hub.`, {
        fixes: ['Give each peer its own id, or close the old peer first.'],
      })
    }
    const peer = new Peer(this, peerId)
    this.#peers.set(peerId, peer)
    return peer
  }

  peerIds(): string[] {
    return [...this.#peers.keys()]
  }

  async idle(): Promise<void> {
    if (this.#pending === 0) return
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
  }

  async close(): Promise<void> {
    this.#closed = true
    await Promise.all([...this.#peers.values()].map((peer) => peer.close()))
  }

  /** Queues a message for every other peer's subscriptions to `topic`. */
  send(from: string, topic: string, data: Uint8Array): PublishResult {
    const sequenceNumber = (this.#sequence.get(from) ?? 0n) + 1n
    this.#sequence.set(from, sequenceNumber)
    const recipients = new Set<string>()
    for (const subscription of this.#topics.get(topic) ?? []) {
      if (subscription.peerId === from) continue
      recipients.add(subscription.peerId)
      subscription.enqueue({ topic, from, sequenceNumber, data: data.slice() })
    }
    return { recipients: [...recipients] }
  }

  addSubscription(subscription: Subscription): void {
    let set = this.#topics.get(subscription.topic)
    if (set === undefined) {
      set = new Set()
      this.#topics.set(subscription.topic, set)
    }
    set.add(subscription)
  }

  removeSubscription(subscription: Subscription): void {
    const set = this.#topics.get(subscription.topic)
    set?.delete(subscription)
    if (set?.size === 0) this.#topics.delete(subscription.topic)
  }

  removePeer(peer: Peer): void {
    if (this.#peers.get(peer.peerId) === peer) this.#peers.delete(peer.peerId)
  }

  handlerFailed(error: unknown, message: PeerMessage, peerId: string): void {
    try {
      this.#onHandlerError(error, message, peerId)
    } catch {
      // An error hook that throws must not stop delivery either.
    }
  }

  /** Counts messages queued or being handled, for `idle()`. */
  addPending(count: number): void {
    this.#pending += count
    if (this.#pending === 0) {
      const waiters = this.#idleWaiters
      this.#idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }

  #freeId(): string {
    while (this.#peers.has(`peer-${this.#nextDefaultId}`)) this.#nextDefaultId++
    return `peer-${this.#nextDefaultId++}`
  }
}

class Peer implements PeerNetwork {
  readonly peerId: string
  readonly #hub: Hub
  readonly #subscriptions = new Set<Subscription>()
  #closed = false

  constructor(hub: Hub, peerId: string) {
    this.#hub = hub
    this.peerId = peerId
  }

  async publish(topic: string, data: Uint8Array): Promise<PublishResult> {
    if (this.#closed) throw closedError('peer')
    assertTopic(topic)
    assertPayload(data, this.#hub.maxMessageBytes)
    return this.#hub.send(this.peerId, topic, data)
  }

  subscribe(topic: string, handler: PeerMessageHandler): Unsubscribe {
    if (this.#closed) throw closedError('peer')
    assertTopic(topic)
    const subscription = new Subscription(this.#hub, this.peerId, topic, handler)
    this.#subscriptions.add(subscription)
    this.#hub.addSubscription(subscription)
    return () => {
      if (!this.#subscriptions.delete(subscription)) return
      this.#hub.removeSubscription(subscription)
      subscription.stop()
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const subscription of this.#subscriptions) {
      this.#hub.removeSubscription(subscription)
      subscription.stop()
    }
    this.#subscriptions.clear()
    this.#hub.removePeer(this)
  }
}

/** One handler's queue, drained one message at a time. */
class Subscription {
  readonly peerId: string
  readonly topic: string
  readonly #hub: Hub
  readonly #handler: PeerMessageHandler
  #queue: PeerMessage[] = []
  #head = 0
  #running = false
  #active = true

  constructor(hub: Hub, peerId: string, topic: string, handler: PeerMessageHandler) {
    this.#hub = hub
    this.peerId = peerId
    this.topic = topic
    this.#handler = handler
  }

  enqueue(message: PeerMessage): void {
    this.#queue.push(message)
    this.#hub.addPending(1)
    if (this.#running) return
    this.#running = true
    queueMicrotask(() => void this.#drain())
  }

  stop(): void {
    this.#active = false
    const dropped = this.#queue.length - this.#head
    this.#queue = []
    this.#head = 0
    this.#hub.addPending(-dropped)
  }

  async #drain(): Promise<void> {
    while (this.#active && this.#head < this.#queue.length) {
      const message = this.#queue[this.#head]
      if (message === undefined) break
      this.#head++
      if (this.#head === this.#queue.length) {
        this.#queue = []
        this.#head = 0
      }
      try {
        await this.#handler(message)
      } catch (error) {
        this.#hub.handlerFailed(error, message, this.peerId)
      }
      this.#hub.addPending(-1)
    }
    this.#running = false
  }
}

function closedError(what: 'peer' | 'hub'): DeaiError {
  return new DeaiError('PEER_NETWORK_CLOSED', `This ${what} is closed.`, {
    fixes: [what === 'peer' ? 'Connect a new peer to the hub.' : 'Create a new hub with createMemoryPeerHub.'],
  })
}

function warn(error: unknown, message: PeerMessage, peerId: string): void {
  const text = error instanceof Error ? error.message : String(error)
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(`Handler of peer ${peerId} failed on a message from ${message.from} on ${message.topic}: ${text}`, 'DeaiPeerHandlerWarning')
  }
}
