import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../contracts/roles.js'
import type { Protocol } from '../protocol.js'

/** A committee member's vote on a task, as the registry holds it. */
export type TaskVoteRecord = {
  /** The owner the vote belongs to (a member of the committee). */
  member: Address
  committed: boolean
  revealed: boolean
}

const NO_COMMITMENT = `0x${'0'.repeat(64)}`

/**
 * Reads the vote of the verifier that `operator` works for (its owner; the operator itself when
 * it works for itself).
 *
 * @example
 * ```ts
 * import { getTaskVote } from 'deai'
 * const { committed, revealed } = await getTaskVote(protocol, 1n, key.address)
 * ```
 */
export async function getTaskVote(protocol: Protocol, taskId: bigint, operator: Address): Promise<TaskVoteRecord> {
  const client = protocol.ledger.client
  const member = await client.readContract({ ...protocol.stakeManager, functionName: 'ownerOfOperator', args: [PROTOCOL_POOL, roleId('verifier'), operator] })
  const recorded = await client.readContract({ ...protocol.taskRegistry, functionName: 'getVote', args: [taskId, member] })
  return { member, committed: recorded.commitment !== NO_COMMITMENT, revealed: recorded.revealed !== 0 }
}
