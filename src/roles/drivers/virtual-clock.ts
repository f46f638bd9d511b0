/**
 * The virtual-clock driver of `deai run`: chain time jumps to the next open stage and every
 * participant's step for it runs, in the order given. Nothing waits on the wall clock, so a
 * scenario plays as fast as its transactions and training allow, and the same scenario gives
 * the same chain block for block.
 *
 * @packageDocumentation
 */
import type { LedgerClock } from '../../ledger/ledger.js'
import { playStages } from '../stage-table.js'
import type { StageClock, StageParticipant, StageResult, StageTable } from '../stage-table.js'

/** Moves the chain's clock forward to `time`, never back (no block is mined when already there). */
export async function advanceClockTo(clock: Pick<LedgerClock, 'now' | 'advance'>, time: bigint): Promise<void> {
  const now = await clock.now()
  if (time > now) await clock.advance(time - now)
}

/** A virtual clock over a ledger's clock, for {@link playStages}. */
export function virtualClock<S extends string>(clock: Pick<LedgerClock, 'now' | 'advance'>, stageDone?: (stage: S) => void): StageClock<S> {
  return { advanceTo: (time) => advanceClockTo(clock, time), ...(stageDone === undefined ? {} : { stageDone }) }
}

/**
 * Plays one table (a round, a task vote) on a virtual clock: jumps to each stage's opening and
 * runs every participant's step for it.
 *
 * @returns what each step returned, in the order run
 */
export async function playOnVirtualClock<S extends string, W, K, P extends StageParticipant<S, K>>(
  clock: Pick<LedgerClock, 'now' | 'advance'>,
  table: StageTable<S, W>,
  participants: readonly P[],
  window: W,
  key: K,
  stageDone?: (stage: S) => void,
): Promise<StageResult<S, P>[]> {
  return playStages(table, participants, window, key, virtualClock(clock, stageDone))
}
