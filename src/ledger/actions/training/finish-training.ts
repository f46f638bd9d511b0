import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

/**
 * Returns what is left of the training budget to the proposer once training is over.
 *
 * @example
 * ```ts
 * import { finishTraining } from 'deai/actions'
 * await finishTraining(training, account)
 * ```
 */
export async function finishTraining(training: Training, account: PrivateKeyAccount): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'finish',
    args: [],
  }, { gasMeter: training.protocol.gasMeter })
}
