import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type VoteDisputeParameters = {
  round: bigint
  /** The validator's verdict on the posted model. */
  modelIsWrong: boolean
}

/**
 * A staked validator votes on the dispute of the model posted for `round`.
 *
 * @example
 * ```ts
 * import { voteDispute } from 'deai/actions'
 * await voteDispute(training, account, { round: 1n, modelIsWrong: true })
 * ```
 */
export async function voteDispute(training: Training, account: PrivateKeyAccount, { round, modelIsWrong }: VoteDisputeParameters): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'voteDispute',
    args: [round, modelIsWrong],
  }, { gasMeter: training.protocol.gasMeter })
}
