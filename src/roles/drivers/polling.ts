/**
 * The polling driver of `deai node`: it follows the real chain, asking again and again what is
 * due. Each tick reads the chain, finds the participant's step whose stage is open and not yet
 * done (the stage tables' `dueStepOf`), and runs it; a step therefore neither repeats nor gets
 * skipped across restarts. An error is reported and retried with back-off (doubling up to
 * 30 s), because most are passing (the chain restarting, a peer gone, a transaction that lost a
 * race). `stop()` lets the tick in flight finish, so a transaction is never cut in half.
 *
 * @packageDocumentation
 */

/** What the polling driver runs: `tick` does whatever is due now; it is called again and again. */
export interface PolledParticipant {
  tick(): Promise<void>
  close?(): Promise<void>
}

export type PollingInit = {
  /**
   * Milliseconds between ticks.
   * @default 1000
   */
  pollMs?: number | undefined
  /** Hears each failed tick and when the next try comes. */
  onError?: ((error: unknown, retryInMs: number) => void) | undefined
}

/** A running polling loop. */
export interface Polling {
  /** Stops after the tick in flight, then closes the participant. */
  stop(): Promise<void>
}

/** Milliseconds to wait after `failures` failed ticks in a row. */
export function backoff(pollMs: number, failures: number): number {
  return Math.min(pollMs * 2 ** Math.min(failures, 10), 30_000)
}

/**
 * Starts polling a participant.
 *
 * @example
 * ```ts
 * import { startPolling } from 'deai/roles'
 * const polling = startPolling({ tick: async () => { ... } }, { pollMs: 500 })
 * // … later
 * await polling.stop()
 * ```
 */
export function startPolling(participant: PolledParticipant, init: PollingInit = {}): Polling {
  const pollMs = init.pollMs ?? 1000
  let stopping = false
  let wake: (() => void) | undefined
  let failures = 0
  const loop = (async () => {
    while (!stopping) {
      try {
        await participant.tick()
        failures = 0
      } catch (error) {
        failures++
        init.onError?.(error, backoff(pollMs, failures))
      }
      if (stopping) break
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, failures === 0 ? pollMs : backoff(pollMs, failures))
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  })()
  return {
    async stop() {
      stopping = true
      wake?.()
      await loop
      await participant.close?.()
    },
  }
}
