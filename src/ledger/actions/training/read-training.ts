import type { Address, Hex } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** What a round opened with. */
export type RoundInfo = {
  round: bigint
  /** CID of the global model the round trains from. */
  modelCid: string
  modelDigest: Hex
  modelCodec: number
  trainDeadline: bigint
  scoreDeadline: bigint
  revealDeadline: bigint
  /** Updates submitted so far in this opening. */
  submissionCount: number
}

/** One trainer's submission, as `settle` takes it back. */
export type Submission = { index: number; trainer: Address; digest: Hex; codec: number; examples: number; cid: string }

/** The consensus outcome for one update. */
export type UpdateJudgement = { index: number; trainer: Address; accepted: boolean; consensusScore: number; reward: bigint }

/** The consensus outcome for one validator. */
export type ValidatorJudgement = { validator: Address; revealed: boolean; deviationBps: number; reward: bigint; slashed: boolean }

function fromBlock(training: Training): bigint {
  return BigInt(training.protocol.deployment.blockNumber)
}

/**
 * The round's latest opening (a round re-opens after a successful model dispute), read from the
 * contract's view: one call, however long the chain.
 */
export async function getRound(training: Training, round: bigint): Promise<RoundInfo> {
  const info = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'roundInfo', args: [round] })
  if (info.status === 0) {
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
    scoreDeadline: info.scoreDeadline,
    revealDeadline: info.revealDeadline,
    submissionCount: info.submissions,
  }
}

/** Every update submitted in the latest opening of `round`, in submission order. */
export async function getSubmissions(training: Training, round: bigint): Promise<Submission[]> {
  const info = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'roundInfo', args: [round] })
  const submissionCount = info.submissions
  if (submissionCount === 0) return []
  const logs = await training.protocol.ledger.client.getContractEvents({
    address: training.address,
    abi: training.abi,
    eventName: 'UpdateSubmitted',
    args: { round },
    fromBlock: fromBlock(training),
  })
  // The latest opening's submissions are the last ones logged for the round.
  return logs
    .slice(-submissionCount)
    .map((log) => ({
      index: Number(log.args.index!),
      trainer: log.args.trainer!,
      digest: log.args.digest!,
      codec: log.args.codec!,
      examples: log.args.examples!,
      cid: fromOnChainDigest(log.args.digest!, log.args.codec!),
    }))
    .sort((a, b) => a.index - b.index)
}

/** How consensus judged each update and each validator in a settled round. */
export async function getJudgements(training: Training, round: bigint): Promise<{ updates: UpdateJudgement[]; validators: ValidatorJudgement[] }> {
  const client = training.protocol.ledger.client
  const common = { address: training.address, abi: training.abi, args: { round }, fromBlock: fromBlock(training) } as const
  const updates = await client.getContractEvents({ ...common, eventName: 'UpdateJudged' })
  const validators = await client.getContractEvents({ ...common, eventName: 'ValidatorJudged' })
  return {
    updates: updates
      .map((l) => ({ index: Number(l.args.index!), trainer: l.args.trainer!, accepted: l.args.accepted!, consensusScore: l.args.consensusScore!, reward: l.args.reward! }))
      .sort((a, b) => a.index - b.index),
    validators: validators.map((l) => ({
      validator: l.args.validator!,
      revealed: l.args.revealed!,
      deviationBps: l.args.deviationBps!,
      reward: l.args.reward!,
      slashed: l.args.slashed!,
    })),
  }
}
