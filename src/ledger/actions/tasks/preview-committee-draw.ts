import type { Address, Hex } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type PreviewCommitteeDrawParameters = {
  taskId: bigint
  /** The draw seed. */
  seed: Hex
}

/**
 * The committee a seed would draw for a task, by the verifiers' stake at the task's snapshot
 * epoch, with the task's committee size and minimum stake (its proposer is never drawn).
 *
 * @example
 * ```ts
 * import { previewCommitteeDraw } from 'deai/actions'
 * const committee = await previewCommitteeDraw(protocol, { taskId: 1n, seed })
 * ```
 */
export async function previewCommitteeDraw(protocol: Protocol, { taskId, seed }: PreviewCommitteeDrawParameters): Promise<readonly Address[]> {
  const client = protocol.ledger.client
  const task = await client.readContract({ ...protocol.taskRegistry, functionName: 'getTask', args: [taskId] })
  const rules = await client.readContract({ ...protocol.taskRegistry, functionName: 'paramsAt', args: [task.paramsId] })
  return client.readContract({
    ...protocol.stakeManager,
    functionName: 'drawByStake',
    args: [PROTOCOL_POOL, roleId('verifier'), seed, BigInt(rules.committeeSize), task.proposer, rules.minVerifierStake, task.snapshotEpoch],
  })
}
