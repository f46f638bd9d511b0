/**
 * Checks on topics and payloads, made before a message enters the network (STYLE 5: cap size
 * before anything else). Shared by every `PeerNetwork` implementation.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'

/** Default largest payload: 1 MiB, go-libp2p-pubsub's default. Messages carry CIDs, not weights. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576

/** Longest topic name, in UTF-16 code units. */
export const MAX_TOPIC_LENGTH = 256

/**
 * Checks a topic name.
 * @throws DeaiError `PEER_INVALID_TOPIC`
 */
export function assertTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    const seen = typeof topic === 'string' ? `a string of ${topic.length} characters` : `a value of type ${topic === null ? 'null' : typeof topic}`
    throw new DeaiError('PEER_INVALID_TOPIC', `A topic must be a non-empty string of at most ${MAX_TOPIC_LENGTH} characters; got ${seen}.`, {
      fixes: ['Use a short name such as "deai/task/1/round/3/updates".'],
    })
  }
}

/**
 * Checks a payload against the size limit.
 * @throws DeaiError `PEER_INVALID_MESSAGE` or `PEER_MESSAGE_TOO_LARGE`
 */
export function assertPayload(data: unknown, maxBytes: number): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new DeaiError('PEER_INVALID_MESSAGE', 'A message payload must be a Uint8Array.', {
      details: [`Got: ${Object.prototype.toString.call(data)}`],
      fixes: ['Encode the payload first, or send a value with publishJson.'],
    })
  }
  if (data.byteLength > maxBytes) {
    throw new DeaiError('PEER_MESSAGE_TOO_LARGE', `A message of ${data.byteLength} bytes is over the ${maxBytes}-byte limit.`, {
      fixes: ['Put large content in the content store and publish its CID instead.'],
    })
  }
}
