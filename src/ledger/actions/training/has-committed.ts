import type { Address } from 'viem'
import type { Training } from '../../training.js'

/** Whether `validator` (an owner) has committed scores in the latest opening of `round`. */
export async function hasCommitted(training: Training, round: bigint, validator: Address): Promise<boolean> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'hasCommitted', args: [round, validator] })
}
