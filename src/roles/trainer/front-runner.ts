import { keccak256, toHex } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { revertName } from '../../ledger/contracts/contract-errors.js'
import { hasSubmitted } from '../../ledger/actions/training/has-submitted.js'
import { commitUpdate } from '../../ledger/actions/training/commit-update.js'
import { revealUpdate } from '../../ledger/actions/training/reveal-update.js'
import type { Training } from '../../ledger/training.js'
import { adversaryRecord } from '../adversary/adversary-record.js'
import type { AdversaryRecord } from '../adversary/adversary-record.js'
import type { RoundParticipant } from '../round-schedule.js'
import type { PendingTrainerTx } from './trainer.js'

export type FrontRunnerInit = {
  training: Training
  /** The operator key that sends. */
  key: PrivateKeyAccount
  /** The owner its stake belongs to. */
  owner: Address
}

/**
 * A front-running trainer: it watches other trainers' pending transactions and sends a copy of
 * each first. During the training phase it copies the first commitment it sees; when that
 * trainer's reveal appears, it sends the same reveal (digest, example count and salt) ahead of
 * it, to be judged as the update's author. The commitment binds its author's owner address, so
 * the copied reveal cannot match the copied commitment: the front-runner never reveals and is
 * slashed for it.
 */
export interface FrontRunner {
  readonly owner: Address
  readonly behaviour: 'front-runner'
  record(): AdversaryRecord
  /** Hears a trainer's pending transaction (wired as that trainer's `onPending`). */
  watch(tx: PendingTrainerTx): Promise<void>
  /** Its own turn in the training phase. */
  work(round: bigint): Promise<void>
}

/**
 * Creates a front-runner (see {@link FrontRunner}).
 */
export function createFrontRunner(init: FrontRunnerInit): FrontRunner {
  const { training, key } = init
  const record = adversaryRecord()
  const copied = new Map<bigint, Address>()

  return {
    owner: init.owner,
    behaviour: 'front-runner' as const,
    record: (): AdversaryRecord => record,
    /** Hears a trainer's pending transaction (wired as that trainer's `onPending`). */
    async watch(tx: PendingTrainerTx): Promise<void> {
      if (tx.trainer === init.owner) return
      if (tx.kind === 'commitUpdate') {
        if (copied.has(tx.round) || (await hasSubmitted(training, tx.round, init.owner))) return
        await commitUpdate(training, key, { round: tx.round, commitment: tx.commitment })
        copied.set(tx.round, tx.trainer)
        return
      }
      if (copied.get(tx.round) !== tx.trainer) return
      record.attempted += 1
      try {
        await revealUpdate(training, key, { ...tx.update, salt: tx.salt })
        record.notes.push(`round ${tx.round}: the copied reveal was accepted`)
      } catch (error) {
        const name = revertName(error)
        if (name === undefined) throw error
        record.defeated += 1
        record.notes.push(`round ${tx.round}: the copied reveal reverted with ${name}`)
      }
    },
    /**
     * Its own turn in the training phase: if it saw nobody to copy, it still takes its slot with
     * a commitment it cannot open, hoping to copy a reveal later.
     */
    async work(round: bigint): Promise<void> {
      if (await hasSubmitted(training, round, init.owner)) return
      await commitUpdate(training, key, { round, commitment: keccak256(toHex(`front-runner placeholder ${training.address} ${round}`)) })
    },
  }
}

/** The front-runner's own step in the round schedule (its copies happen as it watches others). */
export function frontRunnerParticipant(frontRunner: FrontRunner, training: Training): RoundParticipant {
  return {
    role: 'trainer',
    steps: { train: { run: (round) => frontRunner.work(round), done: (round) => hasSubmitted(training, round, frontRunner.owner) } },
  }
}
