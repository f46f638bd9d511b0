import type { Address } from 'viem'
import { getRewardsAndSlashes } from '../ledger/actions/staking/get-rewards-and-slashes.js'
import { getTask } from '../ledger/actions/tasks/get-task.js'
import { getTaskRules } from '../ledger/actions/tasks/get-task-rules.js'
import type { Protocol } from '../ledger/protocol.js'
import type { RunParticipant } from './run-report.js'

/** Who a participant is, as the report names it. */
export type ParticipantName = { id: string; role: string; behaviour: string; address: Address }

/**
 * Each participant's rewards, slashes, fees and net gain, read from the chain: what StakeManager
 * credited and slashed, and for the task's proposer the verification fee its budget paid. The
 * runner writes the report's figures with it and `deai audit` recomputes them with it.
 */
export async function participantBooks(protocol: Protocol, taskId: bigint, members: readonly ParticipantName[]): Promise<RunParticipant[]> {
  const { rewards, slashed } = await getRewardsAndSlashes(protocol)
  const task = await getTask(protocol, taskId)
  const { fee } = await getTaskRules(protocol, { taskId })
  // A task the committee decided on (approved, then maybe closed, or rejected) paid the fee.
  const feePaid = ['open', 'rejected', 'closed'].includes(task.status) ? fee : 0n
  return members.map((m) => {
    const key = m.address.toLowerCase()
    const r = rewards.get(key) ?? 0n
    const s = slashed.get(key) ?? 0n
    const fees = m.role === 'proposer' && key === task.proposer.toLowerCase() ? feePaid : 0n
    return { id: m.id, role: m.role, behaviour: m.behaviour, address: m.address, rewards: r, slashed: s, fees, net: r - s - fees }
  })
}
