/**
 * JSON payloads over any {@link PeerNetwork}, encoded as DAG-JSON like JSON content: keys
 * sorted, `undefined`/`NaN`/`Infinity` refused, CIDs kept as links and `bigint` as integers.
 *
 * @packageDocumentation
 */
import * as dagJson from '@ipld/dag-json'
import { encodeDagJson } from '../content/dag-json-codec.js'
import { DeaiError } from '../errors/base.js'
import type { PeerMessage, PeerNetwork, PublishResult } from './peer-network.js'

/**
 * Publishes a JSON-like value on a topic.
 *
 * @param network - the sending peer
 * @param topic - the topic
 * @param value - the value (encoded size counts against the message limit)
 * @returns who the message was sent to
 * @throws DeaiError `PEER_INVALID_MESSAGE` if the value cannot be encoded, plus the errors of
 *   `PeerNetwork.publish`
 * @example
 * ```ts
 * import { publishJson } from 'deai'
 * await publishJson(peer, 'deai/round/3/updates', { round: 3, update: cid })
 * ```
 */
export async function publishJson(network: PeerNetwork, topic: string, value: unknown): Promise<PublishResult> {
  const encoding = encodeDagJson(value)
  if (!encoding.ok) {
    throw new DeaiError('PEER_INVALID_MESSAGE', 'The value cannot be sent as JSON.', {
      details: [`Reason: ${encoding.reason}`],
      fixes: ['Use only plain objects, arrays, strings, finite numbers, booleans, null, bigint, Uint8Array and CIDs; drop undefined fields.'],
      cause: encoding.cause,
    })
  }
  return network.publish(topic, encoding.bytes)
}

/**
 * Decodes the JSON payload of a message. The result is untrusted: validate it (e.g. with zod).
 *
 * @param message - a received message
 * @returns the decoded value
 * @throws DeaiError `PEER_INVALID_MESSAGE` if the payload is not DAG-JSON
 */
export function readJsonMessage(message: PeerMessage): unknown {
  try {
    return dagJson.decode(message.data)
  } catch (cause) {
    throw new DeaiError('PEER_INVALID_MESSAGE', `The message from ${message.from} on ${message.topic} is not valid JSON.`, {
      details: [`Reason: ${cause instanceof Error ? cause.message : String(cause)}`],
      fixes: ['Ignore the message: it was not sent with publishJson.'],
      cause,
    })
  }
}
