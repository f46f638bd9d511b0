/**
 * The peer network contract: publish/subscribe on named topics, as roles use it.
 *
 * Types only. It is shaped like libp2p pubsub (gossipsub): string topics, string peer ids,
 * byte payloads, a per-sender sequence number, and no delivery of a peer's own messages
 * (gossipsub's `emitSelf: false`). The in-process hub (`memory-peer-hub.ts`) and libp2p
 * (`libp2p/create-libp2p-peer.ts`, gossipsub between processes) implement it; roles do not
 * know which.
 *
 * @packageDocumentation
 */
import type { DeaiErrorCodes } from '../errors/codes.js'

/** A message as delivered to a subscriber. Its content is untrusted: validate it. */
export type PeerMessage = {
  /** The topic it was published on. */
  topic: string
  /** Peer id of the sender. */
  from: string
  /** 1, 2, 3, ... per sender (across all its topics), in publish order. */
  sequenceNumber: bigint
  /** The payload; the receiver's own copy. */
  data: Uint8Array
}

/**
 * Handles one message. Messages reach one subscription one at a time, in order: the next is
 * not delivered until the promise returned for the previous one settles. A handler that throws
 * or rejects does not stop later deliveries.
 */
export type PeerMessageHandler = (message: PeerMessage) => void | Promise<void>

/** Stops a subscription; messages not yet delivered to it are dropped. Safe to call twice. */
export type Unsubscribe = () => void

/** What a publish reached. */
export type PublishResult = {
  /** Peer ids the message was sent to (subscribers of the topic other than the sender). */
  recipients: string[]
}

/**
 * Error codes that peer operations throw, as `DeaiError.code`.
 *
 * - `PEER_INVALID_TOPIC`: an empty, over-long or non-string topic.
 * - `PEER_MESSAGE_TOO_LARGE`: a payload over the network's message size limit.
 * - `PEER_INVALID_MESSAGE`: a payload that is not a Uint8Array, or that `readJsonMessage`
 *   cannot decode.
 * - `PEER_NETWORK_CLOSED`: the peer (or its hub) was used after `close()`.
 * - `PEER_INVALID_ID`: a peer id that is empty, over-long or not a string.
 * - `PEER_ID_TAKEN`: a second peer asked for an id already in use on the hub.
 */
export type PeerErrorCode = DeaiErrorCodes<
  | 'PEER_INVALID_TOPIC'
  | 'PEER_MESSAGE_TOO_LARGE'
  | 'PEER_INVALID_MESSAGE'
  | 'PEER_NETWORK_CLOSED'
  | 'PEER_INVALID_ID'
  | 'PEER_ID_TAKEN'
>

/** One peer's view of the network. */
export interface PeerNetwork {
  /** This peer's id, unique on the network. */
  readonly peerId: string

  /**
   * Publishes bytes on a topic. Resolves once the message is on its way to every current
   * subscriber; handlers never run inside `publish`, only later. Publishing to a topic nobody
   * else subscribes to is not an error: `recipients` is then empty.
   * @param topic - a non-empty topic name
   * @param data - the payload; copied, so the caller may reuse the array
   * @throws DeaiError `PEER_INVALID_TOPIC`, `PEER_MESSAGE_TOO_LARGE`, `PEER_INVALID_MESSAGE`,
   *   `PEER_NETWORK_CLOSED`
   */
  publish(topic: string, data: Uint8Array): Promise<PublishResult>

  /**
   * Subscribes to a topic. Only messages published after this call are delivered; this
   * peer's own messages are not.
   * @param topic - a non-empty topic name
   * @param handler - called once per message
   * @returns a function that ends this subscription
   */
  subscribe(topic: string, handler: PeerMessageHandler): Unsubscribe

  /** Leaves the network: ends all subscriptions and drops undelivered messages to this peer. */
  close(): Promise<void>
}
