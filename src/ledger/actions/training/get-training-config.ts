import type { Training } from '../../training.js'

/** The training contract's config as the contract holds it (rule ids, rounds, periods, limits). */
export async function getTrainingConfig(training: Training) {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'config' })
}
