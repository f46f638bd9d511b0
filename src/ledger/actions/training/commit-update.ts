import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { prepareUpdateCommitment } from '../../internal/training-secrets.js'
import type { UpdateReveal } from '../../internal/training-secrets.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type CommitUpdateParameters =
  /** The update (by CID) and the owner the account works for: the commitment is computed. */
  | (UpdateReveal & { owner: Address })
  /** A commitment computed beforehand (see `prepareUpdateCommitment`), sent as given. */
  | { round: bigint; commitment: Hex }

/**
 * A trainer's operator key commits to its update for `round` during the training phase;
 * nothing about the update is visible until `revealUpdate`.
 *
 * @example
 * ```ts
 * import { commitUpdate } from 'deai/actions'
 * await commitUpdate(training, account, { round: 1n, owner, updateCid, examples: 3000 })
 * ```
 */
export async function commitUpdate(training: Training, account: PrivateKeyAccount, parameters: CommitUpdateParameters): Promise<TransactionReceipt> {
  const commitment = 'commitment' in parameters ? parameters.commitment : await prepareUpdateCommitment(training, account, parameters.owner, parameters)
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'commitUpdate',
    args: [parameters.round, commitment],
  }, { gasMeter: training.protocol.gasMeter })
}
