import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type SettleRoundParameters = {
  round: bigint
}

/**
 * Settles `round` from what the contract stored, after its reveal phase. Anyone may send it.
 *
 * @example
 * ```ts
 * import { settleRound } from 'deai/actions'
 * await settleRound(training, account, { round: 1n })
 * ```
 */
export async function settleRound(training: Training, account: PrivateKeyAccount, { round }: SettleRoundParameters): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'settle',
    args: [round],
  }, { gasMeter: training.protocol.gasMeter })
}
