import type { Training } from '../../training.js'

/** Whether the training has been finished (its rest of the budget returned). */
export async function isTrainingFinished(training: Training): Promise<boolean> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'finished' })
}
