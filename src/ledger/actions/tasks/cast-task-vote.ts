import type { PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import type { Protocol } from '../../protocol.js'
import { getOperatorOwner } from '../staking/get-operator-owner.js'
import { getTask } from './get-task.js'
import { getTaskVote } from './get-task-vote.js'
import { commitTaskVote } from './commit-task-vote.js'
import type { TaskVote } from './commit-task-vote.js'
import { revealTaskVote } from './reveal-task-vote.js'

export type CastTaskVoteReturnType = TaskVote & { step: 'committed' | 'revealed' | 'committed and revealed' }

/**
 * Takes the next voting step for a committee member: commits during the commit phase, reveals
 * during the reveal phase. With `wait`, commits and then waits for the reveal phase to reveal.
 */
export async function castTaskVote(protocol: Protocol, key: PrivateKeyAccount, vote: TaskVote & { wait?: boolean }): Promise<CastTaskVoteReturnType> {
  const { ledger } = protocol
  const task = await getTask(protocol, vote.taskId)
  if (task.status !== 'voting') {
    throw new DeaiError('TASK_NOT_VOTING', `task ${vote.taskId} is ${task.status}, not voting`, {
      fixes: task.status === 'proposed' ? ['the proposer must draw the committee first (deai task draw)'] : [],
    })
  }
  const member = await getOperatorOwner(protocol, { role: 'verifier', operator: key.address })
  if (!task.committee.some((m) => m.toLowerCase() === member.toLowerCase())) {
    throw new DeaiError('TASK_NOT_MEMBER', `${key.address} does not work for a member of task ${vote.taskId}'s committee`, {
      details: [`committee: ${task.committee.join(', ')}`],
    })
  }
  const recorded = await getTaskVote(protocol, { taskId: vote.taskId, member })
  const committed = recorded.committed
  const { wait, ...plain } = vote
  let now = await ledger.clock.now()
  let step: CastTaskVoteReturnType['step'] | undefined
  if (!committed) {
    if (now > task.commitDeadline) {
      throw new DeaiError('TASK_COMMIT_CLOSED', `the commit phase of task ${vote.taskId} has ended`)
    }
    await commitTaskVote(protocol, key, plain)
    step = 'committed'
    if (wait !== true) return { ...plain, step }
    await ledger.clock.advance(task.commitDeadline - (await ledger.clock.now()) + 1n)
    now = await ledger.clock.now()
  }
  if (recorded.revealed) throw new DeaiError('TASK_ALREADY_REVEALED', `this member has already revealed on task ${vote.taskId}`)
  if (now <= task.commitDeadline) {
    throw new DeaiError('TASK_REVEAL_NOT_OPEN', `already committed; the reveal phase opens after ${new Date(Number(task.commitDeadline) * 1000).toISOString()}`, {
      fixes: ['run the same command again then, or add --wait'],
    })
  }
  await revealTaskVote(protocol, key, plain)
  return { ...plain, step: step === undefined ? 'revealed' : 'committed and revealed' }
}
