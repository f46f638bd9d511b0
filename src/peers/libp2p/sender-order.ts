/**
 * Restores each sender's order per topic at the receiver. gossipsub may hand over messages out
 * of order when copies arrive along different paths; the envelope names each message's
 * predecessor on its topic, so a message whose predecessor has not arrived waits for it, for at
 * most `holdMs`, after which the gap is skipped (the predecessor was lost or predates the
 * subscription). Late or repeated messages are dropped.
 *
 * @packageDocumentation
 */
import type { Envelope } from './envelope.js'

type Held<T> = { envelope: Envelope; item: T }

export type SenderOrder<T> = {
  /** Takes a message from `sender` on `topic`; calls `deliver` for each one that is now in order. */
  accept(sender: string, topic: string, envelope: Envelope, item: T): void
  /** Forgets a sender (it left); held messages are delivered first. */
  forget(sender: string): void
  /** Cancels timers. */
  close(): void
}

/**
 * @param deliver - receives messages in each sender's order
 * @param holdMs - longest wait for a missing predecessor
 */
export function senderOrder<T>(deliver: (item: T) => void, holdMs = 1000): SenderOrder<T> {
  const last = new Map<string, bigint>()
  const held = new Map<string, Map<bigint, Held<T>>>()
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  const drain = (key: string): void => {
    const waiting = held.get(key)
    let next = waiting?.get(last.get(key) ?? -1n)
    while (waiting !== undefined && next !== undefined) {
      waiting.delete(next.envelope.previous)
      last.set(key, next.envelope.sequence)
      deliver(next.item)
      next = waiting.get(next.envelope.sequence)
    }
    if (waiting !== undefined && waiting.size === 0) {
      held.delete(key)
      clearTimeout(timers.get(key))
      timers.delete(key)
    }
  }

  const flush = (key: string): void => {
    timers.delete(key)
    const waiting = [...(held.get(key)?.values() ?? [])].sort((a, b) => (a.envelope.sequence < b.envelope.sequence ? -1 : 1))
    held.delete(key)
    for (const { envelope, item } of waiting) {
      if (envelope.sequence <= (last.get(key) ?? 0n)) continue
      last.set(key, envelope.sequence)
      deliver(item)
    }
  }

  return {
    accept(sender, topic, envelope, item) {
      const key = `${sender}\u0000${topic}`
      const seen = last.get(key)
      if (seen !== undefined && envelope.sequence <= seen) return
      if (seen === undefined || envelope.previous <= seen) {
        last.set(key, envelope.sequence)
        deliver(item)
        drain(key)
        return
      }
      let waiting = held.get(key)
      if (waiting === undefined) {
        waiting = new Map()
        held.set(key, waiting)
      }
      waiting.set(envelope.previous, { envelope, item })
      if (!timers.has(key)) timers.set(key, setTimeout(() => flush(key), holdMs))
    },
    forget(sender) {
      for (const key of [...held.keys()]) if (key.startsWith(`${sender}\u0000`)) flush(key)
      for (const key of [...last.keys()]) if (key.startsWith(`${sender}\u0000`)) last.delete(key)
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      held.clear()
    },
  }
}
