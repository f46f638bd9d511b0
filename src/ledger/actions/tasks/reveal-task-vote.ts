import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { voteSalt } from '../../internal/task-secrets.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import type { TaskVote } from './commit-task-vote.js'

/**
 * Reveals the vote committed with `commitTaskVote` (same key, same vote), during the reveal
 * phase.
 *
 * @example
 * ```ts
 * import { revealTaskVote } from 'deai/actions'
 * await revealTaskVote(protocol, account, { taskId: 1n, approve: true, reasonsCid })
 * ```
 */
export async function revealTaskVote(protocol: Protocol, account: PrivateKeyAccount, vote: TaskVote): Promise<TransactionReceipt> {
  const salt = await voteSalt(protocol, account, vote.taskId)
  return writeContract(protocol.ledger, account, {
    ...protocol.taskRegistry,
    functionName: 'revealVote',
    args: [vote.taskId, vote.approve, vote.reasonsCid, salt],
  }, { gasMeter: protocol.gasMeter })
}
