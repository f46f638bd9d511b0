import { CONTRACT_ENUMS } from '../../contracts/generated/protocol-constants.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** How far a round has got on chain. */
export type RoundProgress = {
  /** The round the contract is on (the last one opened). */
  currentRound: bigint
  status: 'none' | 'open' | 'settled'
  /** Update commitments, and how many are revealed. */
  submissions: number
  revealed: number
  committers: number
  /** CID of the model posted after this round, once posted. */
  postedModelCid: string | undefined
}

const { RoundStatus, ModelStatus } = CONTRACT_ENUMS.ITrainingRounds

/** Reads a round's progress: its status, counts, and the model posted after it. */
export async function getRoundProgress(training: Training, round: bigint): Promise<RoundProgress> {
  const client = training.protocol.ledger.client
  const contract = { address: training.address, abi: training.abi } as const
  const [currentRound, info, model] = await Promise.all([
    client.readContract({ ...contract, functionName: 'currentRound' }),
    client.readContract({ ...contract, functionName: 'roundInfo', args: [round] }),
    client.readContract({ ...contract, functionName: 'modelInfo', args: [round] }),
  ])
  return {
    currentRound,
    // A cancelled or closed round takes no more work: it reads as not open.
    status: info.status === RoundStatus.Open ? 'open' : info.status === RoundStatus.Settled ? 'settled' : 'none',
    submissions: Number(info.submissions),
    revealed: Number(info.revealed),
    committers: Number(info.committers),
    postedModelCid: model.status === ModelStatus.Posted ? fromOnChainDigest(model.digest, model.codec) : undefined,
  }
}
