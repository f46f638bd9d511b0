import { zeroHash } from 'viem'
import type { Address, Hex } from 'viem'
import type { Protocol } from '../../protocol.js'

/** The commitment the registry holds for a member that has not committed. */
export const NO_COMMITMENT: Hex = zeroHash

export type GetTaskVoteParameters = {
  taskId: bigint
  /** The committee member (an owner address). */
  member: Address
}

/** A member's vote on a task as the registry holds it. */
export type GetTaskVoteReturnType = {
  commitment: Hex
  /** Whether the member has committed. */
  committed: boolean
  /** Whether the member has revealed. */
  revealed: boolean
  /** The revealed verdict, once revealed. */
  approve: boolean | undefined
}

/**
 * Reads a committee member's vote on a task.
 *
 * @example
 * ```ts
 * import { getTaskVote } from 'deai/actions'
 * const { committed, revealed } = await getTaskVote(protocol, { taskId: 1n, member })
 * ```
 */
export async function getTaskVote(protocol: Protocol, { taskId, member }: GetTaskVoteParameters): Promise<GetTaskVoteReturnType> {
  const vote = await protocol.ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'getVote', args: [taskId, member] })
  // The registry records a reveal as 1 (approve) or 2 (reject), and 0 before it.
  return {
    commitment: vote.commitment,
    committed: vote.commitment !== NO_COMMITMENT,
    revealed: vote.revealed !== 0,
    approve: vote.revealed === 0 ? undefined : vote.revealed === 1,
  }
}
