import type { ContractFunctionReturnType } from 'viem'
import type { trainingRoundsAbi } from '../../contracts/generated/TrainingRounds.js'
import type { Training } from '../../training.js'

/** The model posted after a round as the training contract holds it (digest, status, dispute). */
export type ModelInfo = ContractFunctionReturnType<typeof trainingRoundsAbi, 'view', 'modelInfo'>

/**
 * Reads the model posted after `round`: its digest and codec, its status, who posted it and
 * when, and its dispute.
 *
 * @example
 * ```ts
 * import { getModelInfo } from 'deai/actions'
 * const { postedAt } = await getModelInfo(training, 3n)
 * ```
 */
export async function getModelInfo(training: Training, round: bigint): Promise<ModelInfo> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'modelInfo', args: [round] })
}
