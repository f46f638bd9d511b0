import type { PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { commitTaskVote } from '../../ledger/actions/tasks/commit-task-vote.js'
import { revealTaskVote } from '../../ledger/actions/tasks/reveal-task-vote.js'
import type { TaskVote } from '../../ledger/actions/tasks/commit-task-vote.js'
import type { Protocol } from '../../ledger/protocol.js'
import { advanceClockTo } from '../drivers/virtual-clock.js'
import { dueStepOf } from '../stage-table.js'
import { TASK_VOTE_TABLE } from '../task-vote-schedule.js'
import type { TaskVoteParticipant } from '../task-vote-schedule.js'
import { memberVote } from './verifier.js'

export type CastTaskVoteReturnType = TaskVote & { step: 'committed' | 'revealed' | 'committed and revealed' }

/**
 * Takes a committee member's vote step that the task vote's schedule says is due now: commits
 * during the commit phase, reveals during the reveal phase. With `wait`, commits and then waits
 * for the reveal phase to reveal.
 *
 * @throws DeaiError `TASK_NOT_VOTING`, `TASK_NOT_MEMBER`, `TASK_COMMIT_CLOSED`,
 *   `TASK_ALREADY_REVEALED`, `TASK_REVEAL_NOT_OPEN`
 */
export async function castTaskVote(protocol: Protocol, key: PrivateKeyAccount, vote: TaskVote & { wait?: boolean }): Promise<CastTaskVoteReturnType> {
  const { wait, ...plain } = vote
  const task = await getTask(protocol, vote.taskId)
  if (task.status !== 'voting') {
    throw new DeaiError('TASK_NOT_VOTING', `task ${vote.taskId} is ${task.status}, not voting`, {
      fixes: task.status === 'proposed' ? ['the proposer must draw the committee first (deai task draw)'] : [],
    })
  }
  const { member } = await memberVote(protocol, vote.taskId, key.address)
  if (!task.committee.some((m) => m.toLowerCase() === member.toLowerCase())) {
    throw new DeaiError('TASK_NOT_MEMBER', `${key.address} does not work for a member of task ${vote.taskId}'s committee`, {
      details: [`committee: ${task.committee.join(', ')}`],
    })
  }
  const voter: TaskVoteParticipant = {
    role: 'verifier',
    steps: {
      'commit-vote': { run: () => commitTaskVote(protocol, key, plain), done: async () => (await memberVote(protocol, vote.taskId, key.address)).committed },
      'reveal-vote': {
        run: () => revealTaskVote(protocol, key, plain),
        done: async () => {
          const recorded = await memberVote(protocol, vote.taskId, key.address)
          return !recorded.committed || recorded.revealed
        },
      },
    },
  }
  let committed = false
  for (;;) {
    const now = await protocol.ledger.clock.now()
    const due = await dueStepOf(TASK_VOTE_TABLE, voter, task, vote.taskId, now)
    if (due.stage !== undefined) {
      await due.step.run(vote.taskId)
      if (due.stage !== 'commit-vote') return { ...plain, step: committed ? 'committed and revealed' : 'revealed' }
      committed = true
      if (wait !== true) return { ...plain, step: 'committed' }
      continue
    }
    if (due.waitingFor === 'stage' && wait === true) {
      await advanceClockTo(protocol.ledger.clock, TASK_VOTE_TABLE.opensAt(task, 'reveal-vote'))
      continue
    }
    const recorded = await memberVote(protocol, vote.taskId, key.address)
    if (!recorded.committed) throw new DeaiError('TASK_COMMIT_CLOSED', `the commit phase of task ${vote.taskId} has ended`)
    if (recorded.revealed) throw new DeaiError('TASK_ALREADY_REVEALED', `this member has already revealed on task ${vote.taskId}`)
    if (due.waitingFor === 'stage') {
      throw new DeaiError('TASK_REVEAL_NOT_OPEN', `already committed; the reveal phase opens after ${new Date(Number(task.commitDeadline) * 1000).toISOString()}`, {
        fixes: ['run the same command again then, or add --wait'],
      })
    }
    // Past the reveal deadline: the registry refuses the reveal with its own error.
    await revealTaskVote(protocol, key, plain)
    return { ...plain, step: 'revealed' }
  }
}
