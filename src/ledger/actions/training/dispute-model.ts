import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type DisputeModelParameters = {
  round: bigint
}

/**
 * A staked validator disputes the model posted for `round`, within its dispute window.
 *
 * @example
 * ```ts
 * import { disputeModel } from 'deai/actions'
 * await disputeModel(training, account, { round: 1n })
 * ```
 */
export async function disputeModel(training: Training, account: PrivateKeyAccount, { round }: DisputeModelParameters): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'disputeModel',
    args: [round],
  }, { gasMeter: training.protocol.gasMeter })
}
