import type { Address, PrivateKeyAccount } from 'viem'
import { getPosition } from '../../ledger/actions/staking/get-position.js'
import { requestUnstake } from '../../ledger/actions/staking/request-unstake.js'
import { stake } from '../../ledger/actions/staking/stake.js'
import { hasRevealedUpdate } from '../../ledger/actions/training/has-revealed-update.js'
import { hasSubmitted } from '../../ledger/actions/training/has-submitted.js'
import { withdrawStake } from '../../ledger/actions/staking/withdraw-stake.js'
import { revertName } from '../../ledger/contracts/contract-errors.js'
import type { Training } from '../../ledger/training.js'
import { adversaryRecord } from '../adversary/adversary-record.js'
import type { AdversaryRecord } from '../adversary/adversary-record.js'
import type { RoundParticipant } from '../round-schedule.js'
import type { Trainer } from './trainer.js'

export type SlashEscaperInit = {
  training: Training
  /** Trains the poisoned update (a trainer with an attacking conduct). */
  trainer: Trainer
  /** The owner key: it stakes, unstakes and withdraws. */
  owner: PrivateKeyAccount
  /** What it stakes again when a round finds it with no active stake. */
  stake: bigint
}

/**
 * A trainer that submits a poisoned update, unstakes everything at once and tries to withdraw
 * at every step before its update is judged, so that the slash finds nothing. Stake behind a
 * commitment is locked until the round's judgement is due, so each attempt reverts.
 */
export interface SlashEscaper {
  readonly owner: Address
  readonly behaviour: 'slash-escaper'
  record(): AdversaryRecord
  /** Stakes if need be, commits to the poisoned update, then unstakes all of it. */
  work(round: bigint): Promise<void>
  /** Reveals (so the update is judged) and tries to withdraw again. */
  reveal(round: bigint): Promise<void>
  /** Another attempt at a later step of the round, before settlement. */
  tryWithdraw(round: bigint): Promise<void>
  /** After settlement: the attempt was defeated unless a withdrawal got out first. */
  judged(round: bigint): void
}

/**
 * Creates a slash-escaper (see {@link SlashEscaper}).
 */
export function createSlashEscaper(init: SlashEscaperInit): SlashEscaper {
  const { training, owner } = init
  const protocol = training.protocol
  const taskId = training.taskId
  const record = adversaryRecord()
  const escaped = new Set<bigint>()

  /** One withdrawal attempt before round `round` is settled. */
  async function tryWithdraw(round: bigint): Promise<void> {
    if (!(await hasSubmitted(training, round, owner.address))) return
    const position = await getPosition(protocol, owner.address, { role: 'trainer', taskId })
    if (position.unbonding === 0n) return
    try {
      await withdrawStake(protocol, owner, { role: 'trainer', taskId })
      escaped.add(round)
      record.notes.push(`round ${round}: withdrew ${position.unbonding} wei before settlement`)
    } catch (error) {
      const name = revertName(error)
      if (name === undefined) throw error
      record.notes.push(`round ${round}: withdraw reverted with ${name}`)
    }
  }

  return {
    owner: owner.address as Address,
    behaviour: 'slash-escaper' as const,
    record: (): AdversaryRecord => record,
    /** Stakes if need be, commits to the poisoned update, then unstakes all of it. */
    async work(round: bigint): Promise<void> {
      let position = await getPosition(protocol, owner.address, { role: 'trainer', taskId })
      if (position.active === 0n) {
        await stake(protocol, owner, { role: 'trainer', taskId, amount: init.stake })
        position = await getPosition(protocol, owner.address, { role: 'trainer', taskId })
      }
      await init.trainer.work(round)
      await requestUnstake(protocol, owner, { role: 'trainer', taskId, amount: position.active })
      record.attempted += 1
      await tryWithdraw(round)
    },
    /** Reveals (so the update is judged, as an honest-looking trainer would) and tries again. */
    async reveal(round: bigint): Promise<void> {
      await init.trainer.reveal(round)
      await tryWithdraw(round)
    },
    /** Another attempt at a later step of the round, before settlement. */
    tryWithdraw,
    /** After settlement: the attempt was defeated unless a withdrawal got out first. */
    judged(round: bigint): void {
      if (!escaped.has(round)) record.defeated += 1
    },
  }
}

/**
 * The slash-escaper's steps in the round schedule: commit and unstake, reveal, then a
 * withdrawal attempt at every later step up to settlement.
 */
export function escaperParticipant(escaper: SlashEscaper, training: Training): RoundParticipant {
  const attempt = { run: (round: bigint) => escaper.tryWithdraw(round), done: async () => false }
  return {
    role: 'trainer',
    steps: {
      train: { run: (round) => escaper.work(round), done: (round) => hasSubmitted(training, round, escaper.owner) },
      'reveal-update': {
        run: (round) => escaper.reveal(round),
        done: async (round) => !(await hasSubmitted(training, round, escaper.owner)) || (await hasRevealedUpdate(training, round, escaper.owner)),
      },
      commit: attempt,
      reveal: attempt,
      settle: attempt,
    },
  }
}
