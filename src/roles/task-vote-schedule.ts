/**
 * The schedule of a task's committee vote, on the same stage table as training rounds: drawn
 * members check the task and commit their verdicts until the commit deadline, reveal them until
 * the reveal deadline, and after it anyone (the proposer, in practice) finalizes the vote.
 *
 * @packageDocumentation
 */
import type { TaskRecord } from '../ledger/actions/tasks/get-task.js'
import type { StageParticipant, StageTable, Step } from './stage-table.js'

/** The stages of a task vote, in order. */
export const TASK_VOTE_STAGES = ['commit-vote', 'reveal-vote', 'finalize'] as const
export type TaskVoteStage = (typeof TASK_VOTE_STAGES)[number]

/** The roles that act in a task vote. */
export type TaskVoteRole = 'verifier' | 'proposer'

type VoteDeadlines = Pick<TaskRecord, 'commitDeadline' | 'revealDeadline'>

/** The task vote's stage table: windows from the task's deadlines, steps keyed by task id. */
export const TASK_VOTE_TABLE: StageTable<TaskVoteStage, VoteDeadlines> = {
  stages: TASK_VOTE_STAGES,
  opensAt(task, stage) {
    switch (stage) {
      case 'commit-vote':
        return 0n
      case 'reveal-vote':
        return task.commitDeadline + 1n
      case 'finalize':
        return task.revealDeadline + 1n
    }
  },
  closesAt(task, stage) {
    switch (stage) {
      case 'commit-vote':
        return task.commitDeadline
      case 'reveal-vote':
        return task.revealDeadline
      case 'finalize':
        return undefined
    }
  },
}

/** One step of a participant in a task vote. */
export type TaskVoteStep = Step<bigint>

/** A participant's part in a task vote. */
export type TaskVoteParticipant = StageParticipant<TaskVoteStage, bigint, TaskVoteRole>
