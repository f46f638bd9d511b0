import { zeroAddress } from 'viem'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { voteCommitment, voteSalt } from '../../internal/task-secrets.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { getOperatorOwner } from '../staking/get-operator-owner.js'

export type TaskVote = {
  taskId: bigint
  approve: boolean
  /** CID of the verifier's reasons (its check report). */
  reasonsCid: string
}

/**
 * Commits a committee member's vote, sent by its operator key. The salt is derived from the
 * key's signature, so `revealTaskVote` with the same vote needs no stored state.
 *
 * @example
 * ```ts
 * import { commitTaskVote } from 'deai/actions'
 * await commitTaskVote(protocol, account, { taskId: 1n, approve: true, reasonsCid })
 * ```
 */
export async function commitTaskVote(protocol: Protocol, account: PrivateKeyAccount, vote: TaskVote): Promise<TransactionReceipt> {
  const member = await getOperatorOwner(protocol, { role: 'verifier', operator: account.address })
  if (member === zeroAddress) {
    throw new DeaiError('TASK_NOT_VERIFIER', `${account.address} works for no verifier`, {
      fixes: ['stake as a verifier (deai stake --role verifier), or use the operator key your owner key named'],
    })
  }
  const salt = await voteSalt(protocol, account, vote.taskId)
  const commitment = voteCommitment(vote.taskId, member, vote.approve, vote.reasonsCid, salt)
  return writeContract(protocol.ledger, account, { ...protocol.taskRegistry, functionName: 'commitVote', args: [vote.taskId, commitment] }, { gasMeter: protocol.gasMeter })
}
