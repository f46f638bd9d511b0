import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { voteCommitment, voteSalt } from '../../internal/task-secrets.js'

export type TaskVote = {
  taskId: bigint
  approve: boolean
  /** CID of the verifier's reasons (its check report). */
  reasonsCid: string
}

async function memberFor(protocol: Protocol, key: PrivateKeyAccount): Promise<Address> {
  const owner = await protocol.ledger.client.readContract({
    ...protocol.stakeManager,
    functionName: 'ownerOfOperator',
    args: [PROTOCOL_POOL, roleId('verifier'), key.address],
  })
  if (owner === '0x0000000000000000000000000000000000000000') {
    throw new DeaiError('TASK_NOT_VERIFIER', `${key.address} works for no verifier`, {
      fixes: ['stake as a verifier (deai stake --role verifier), or use the operator key your owner key named'],
    })
  }
  return owner
}

/**
 * Commits a committee member's vote, sent by its operator key. The salt is derived from the
 * key's signature, so `revealTaskVote` with the same vote needs no stored state.
 */
export async function commitTaskVote(protocol: Protocol, key: PrivateKeyAccount, vote: TaskVote): Promise<TransactionReceipt> {
  const member = await memberFor(protocol, key)
  const salt = await voteSalt(protocol, key, vote.taskId)
  const commitment = voteCommitment(vote.taskId, member, vote.approve, vote.reasonsCid, salt)
  return writeContract(protocol.ledger, key, { ...protocol.taskRegistry, functionName: 'commitVote', args: [vote.taskId, commitment] }, { gasMeter: protocol.gasMeter })
}

/** Reveals the vote committed with `commitTaskVote` (same key, same vote). */
export async function revealTaskVote(protocol: Protocol, key: PrivateKeyAccount, vote: TaskVote): Promise<TransactionReceipt> {
  const salt = await voteSalt(protocol, key, vote.taskId)
  return writeContract(protocol.ledger, key, {
    ...protocol.taskRegistry,
    functionName: 'revealVote',
    args: [vote.taskId, vote.approve, vote.reasonsCid, salt],
  }, { gasMeter: protocol.gasMeter })
}

/** Settles a task's vote after the reveal window; anyone may send it. */
export async function finalizeTask(protocol: Protocol, key: PrivateKeyAccount, taskId: bigint): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, key, { ...protocol.taskRegistry, functionName: 'finalize', args: [taskId] }, { gasMeter: protocol.gasMeter })
}
