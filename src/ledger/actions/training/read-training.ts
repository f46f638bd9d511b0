import type { Address, Hex } from 'viem'
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

/** One update commitment of a round, in commitment order, and what its reveal showed. */
export type Submission =
  | { index: number; trainer: Address; revealed: true; digest: Hex; codec: number; examples: number; cid: string }
  | { index: number; trainer: Address; revealed: false }

/** A revealed update. */
export type RevealedSubmission = Extract<Submission, { revealed: true }>

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

type LogPosition = { blockNumber: bigint | null; logIndex: number | null }

function after(a: LogPosition, b: LogPosition): boolean {
  const [ab, bb] = [a.blockNumber ?? 0n, b.blockNumber ?? 0n]
  return ab > bb || (ab === bb && (a.logIndex ?? 0) > (b.logIndex ?? 0))
}

/**
 * Every update commitment of the latest opening of `round`, in commitment order, with what its
 * reveal showed (read from the events, so it works for past rounds too).
 */
export async function getSubmissions(training: Training, round: bigint): Promise<Submission[]> {
  const client = training.protocol.ledger.client
  const common = { address: training.address, abi: training.abi, args: { round }, fromBlock: fromBlock(training) } as const
  const openings = await client.getContractEvents({ ...common, eventName: 'RoundOpened' })
  const opening = openings.at(-1)
  if (opening === undefined) return []
  const [commits, reveals] = await Promise.all([
    client.getContractEvents({ ...common, eventName: 'UpdateCommitted' }),
    client.getContractEvents({ ...common, eventName: 'UpdateRevealed' }),
  ])
  const revealedAt = new Map(reveals.filter((log) => after(log, opening)).map((log) => [Number(log.args.index!), log]))
  return commits
    .filter((log) => after(log, opening))
    .map((log): Submission => {
      const index = Number(log.args.index!)
      const reveal = revealedAt.get(index)
      if (reveal === undefined) return { index, trainer: log.args.trainer!, revealed: false }
      return {
        index,
        trainer: log.args.trainer!,
        revealed: true,
        digest: reveal.args.digest!,
        codec: reveal.args.codec!,
        examples: reveal.args.examples!,
        cid: fromOnChainDigest(reveal.args.digest!, reveal.args.codec!),
      }
    })
    .sort((a, b) => a.index - b.index)
}

/** The revealed updates of the latest opening of `round`, in commitment order. */
export async function getRevealedUpdates(training: Training, round: bigint): Promise<RevealedSubmission[]> {
  return (await getSubmissions(training, round)).filter((s): s is RevealedSubmission => s.revealed)
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
