import type { Hex } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { CONTRACT_ENUMS } from '../../contracts/generated/protocol-constants.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** What a round opened with. */
export type RoundInfo = {
  round: bigint
  /** CID of the global model the round trains from. */
  modelCid: string
  modelDigest: Hex
  modelCodec: number
  /** Until then trainers commit to updates. */
  trainDeadline: bigint
  /** Until then trainers reveal them. */
  updateRevealDeadline: bigint
  /** Until then validators commit scores. */
  scoreDeadline: bigint
  /** Until then validators reveal them. */
  revealDeadline: bigint
  /** Validators are ranked and weighed by their stake at the end of this block. */
  snapshotBlock: bigint
  /** Update commitments so far in this opening, and how many of them are revealed. */
  submissionCount: number
  revealedCount: number
  /** 1, plus one per reopening after a cancelled opening. */
  attempt: number
}

/**
 * The round's latest opening (a round re-opens after a successful model dispute), read from the
 * contract's view: one call, however long the chain.
 */
export async function getRound(training: Training, round: bigint): Promise<RoundInfo> {
  const info = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'roundInfo', args: [round] })
  if (info.status === CONTRACT_ENUMS.ITrainingRounds.RoundStatus.None) {
    throw new DeaiError('TRAINING_ROUND_NOT_OPEN', `round ${round} of task ${training.taskId} has not opened`, {
      fixes: ['wait for the previous round to settle and its model to be posted'],
    })
  }
  return {
    round,
    modelCid: fromOnChainDigest(info.modelDigest, info.modelCodec),
    modelDigest: info.modelDigest,
    modelCodec: info.modelCodec,
    trainDeadline: info.trainDeadline,
    updateRevealDeadline: info.updateRevealDeadline,
    scoreDeadline: info.scoreDeadline,
    revealDeadline: info.revealDeadline,
    snapshotBlock: info.snapshotBlock,
    submissionCount: info.submissions,
    revealedCount: info.revealed,
    attempt: info.attempt,
  }
}
