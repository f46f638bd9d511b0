import type { Address } from 'viem'
import { taskStatusName } from '../../contracts/contract-errors.js'
import type { TaskStatusName } from '../../contracts/contract-errors.js'
import type { Protocol } from '../../protocol.js'

/** A task as the registry holds it. */
export type TaskRecord = {
  id: bigint
  proposer: Address
  status: TaskStatusName
  specCid: string
  /** Escrowed budget not yet spent (wei). */
  budget: bigint
  bond: bigint
  seedBlock: bigint
  commitDeadline: bigint
  revealDeadline: bigint
  expiresAt: bigint
  committee: readonly Address[]
}

/** Reads one task and its committee. */
export async function getTask(protocol: Protocol, taskId: bigint): Promise<TaskRecord> {
  const client = protocol.ledger.client
  const [task, committee] = await Promise.all([
    client.readContract({ ...protocol.taskRegistry, functionName: 'getTask', args: [taskId] }),
    client.readContract({ ...protocol.taskRegistry, functionName: 'getCommittee', args: [taskId] }),
  ])
  return {
    id: taskId,
    proposer: task.proposer,
    status: taskStatusName(task.status),
    specCid: task.specCid,
    budget: task.budget,
    bond: task.bond,
    seedBlock: BigInt(task.seedBlock),
    commitDeadline: BigInt(task.commitDeadline),
    revealDeadline: BigInt(task.revealDeadline),
    expiresAt: BigInt(task.expiresAt),
    committee,
  }
}
