import type { Address } from 'viem'
import type { Training } from '../../training.js'

/** Whether `trainer` (an owner) has committed to an update in the latest opening of `round`. */
export async function hasSubmitted(training: Training, round: bigint, trainer: Address): Promise<boolean> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'hasSubmitted', args: [round, trainer] })
}
