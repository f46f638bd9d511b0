/**
 * One subscription's queue: messages reach its handler one at a time, in order, and a handler
 * that throws does not stop later deliveries (the `PeerMessageHandler` contract).
 *
 * @packageDocumentation
 */
import type { PeerMessage, PeerMessageHandler } from '../peer-network.js'

export type DeliveryQueue = {
  readonly topic: string
  /** Queues a message; the handler runs later, never inside this call. */
  push(message: PeerMessage): void
  /** Drops what is queued and delivers nothing more. */
  stop(): void
}

/**
 * Creates a queue that feeds `handler`.
 *
 * @param topic - the subscription's topic
 * @param handler - the subscriber's handler
 * @param onError - called when the handler throws or rejects
 */
export function deliveryQueue(topic: string, handler: PeerMessageHandler, onError: (error: unknown, message: PeerMessage) => void): DeliveryQueue {
  let queue: PeerMessage[] = []
  let running = false
  let active = true

  const drain = async (): Promise<void> => {
    while (active) {
      const message = queue.shift()
      if (message === undefined) break
      try {
        await handler(message)
      } catch (error) {
        try {
          onError(error, message)
        } catch {
          // A failing error hook must not stop delivery either.
        }
      }
    }
    running = false
  }

  return {
    topic,
    push(message) {
      if (!active) return
      queue.push(message)
      if (running) return
      running = true
      queueMicrotask(() => void drain())
    },
    stop() {
      active = false
      queue = []
    },
  }
}
