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

async function latestOpening(training: Training, round: bigint) {
  const logs = await training.protocol.ledger.client.getContractEvents({
    address: training.address,
    abi: training.abi,
    eventName: 'RoundOpened',
    args: { round },
    fromBlock: fromBlock(training),
  })
  return logs[logs.length - 1]
}

/** The latest opening of `round` (a round re-opens after a successful model dispute). */
export async function getRound(training: Training, round: bigint): Promise<RoundInfo> {
  const last = await latestOpening(training, round)
  if (last === undefined) {
    throw new DeaiError('TRAINING_ROUND_NOT_OPEN', `round ${round} of task ${training.taskId} has not opened`, {
      fixes: ['wait for the previous round to settle and its model to be posted'],
    })
  }
  const a = last.args
  return {
    round,
    modelCid: fromOnChainDigest(a.modelDigest!, a.modelCodec!),
    modelDigest: a.modelDigest!,
    modelCodec: a.modelCodec!,
    trainDeadline: a.trainDeadline!,
    scoreDeadline: a.scoreDeadline!,
    revealDeadline: a.revealDeadline!,
  }
}

/** Every update submitted in the latest opening of `round`, in submission order. */
export async function getSubmissions(training: Training, round: bigint): Promise<Submission[]> {
  const opening = await latestOpening(training, round)
  if (opening === undefined) return []
  const logs = await training.protocol.ledger.client.getContractEvents({
    address: training.address,
    abi: training.abi,
    eventName: 'UpdateSubmitted',
    args: { round },
    fromBlock: opening.blockNumber,
  })
  return logs
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
