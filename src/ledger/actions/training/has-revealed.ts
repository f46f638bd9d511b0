import type { Address } from 'viem'
import type { Training } from '../../training.js'

/** Whether `validator` (an owner) has revealed its scores in the latest opening of `round`. */
export async function hasRevealed(training: Training, round: bigint, validator: Address): Promise<boolean> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'hasRevealed', args: [round, validator] })
}
