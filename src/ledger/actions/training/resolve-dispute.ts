import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type ResolveDisputeParameters = {
  round: bigint
}

/**
 * Ends the dispute of the model posted for `round` after its vote window. Anyone may send it.
 *
 * @example
 * ```ts
 * import { resolveDispute } from 'deai/actions'
 * await resolveDispute(training, account, { round: 1n })
 * ```
 */
export async function resolveDispute(training: Training, account: PrivateKeyAccount, { round }: ResolveDisputeParameters): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'resolveDispute',
    args: [round],
  }, { gasMeter: training.protocol.gasMeter })
}
