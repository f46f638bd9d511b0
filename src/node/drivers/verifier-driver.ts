/**
 * The verifier node: the verifier role's steps on the polling driver. It stakes in the
 * protocol-wide verifier pool if not staked; then, for every task in its voting phase whose
 * committee holds this node's owner, it takes the vote step the task vote's stage table says is
 * due: check the task and commit the verdict, then reveal it. What has been done is read from
 * the registry, so a restart neither repeats a vote nor misses one whose stage is still open.
 *
 * @packageDocumentation
 */
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { listTasks } from '../../ledger/actions/tasks/list-tasks.js'
import type { TaskRecord } from '../../ledger/actions/tasks/get-task.js'
import { initMl } from '../../ml/backend.js'
import { dueStepOf } from '../../roles/stage-table.js'
import { TASK_VOTE_TABLE } from '../../roles/task-vote-schedule.js'
import { createVerifier, verifierParticipant } from '../../roles/verifier/verifier.js'
import type { VerifierVerdict } from '../../roles/verifier/verifier.js'
import { ensureStaked } from '../node-context.js'
import type { NodeContext, RoleDriver } from '../node-context.js'

export type VerifierRoleInit = {
  /** Only this task. @default every task */
  taskId?: bigint
  /** Stake to put in the verifier pool if the key has none (wei). */
  stake: bigint
}

/** Creates the driver of a verifier node. */
export function verifierDriver(ctx: NodeContext, init: VerifierRoleInit): RoleDriver {
  const participant = verifierParticipant(createVerifier({ protocol: ctx.protocol, content: ctx.content, key: ctx.key }), ctx.protocol)
  let staked = false
  return {
    async tick() {
      if (!staked) {
        // Load the ML backend before staking: once this verifier counts in the pool a task may be
        // proposed and drawn at once, the check builds the task's model, and the commit phase is short.
        await initMl()
        await ensureStaked(ctx, 'verifier', init.stake)
        staked = true
      }
      const tasks: TaskRecord[] = init.taskId === undefined ? await listTasks(ctx.protocol) : [await getTask(ctx.protocol, init.taskId)]
      const me = ctx.key.address.toLowerCase()
      const mine = tasks.filter((t) => t.status === 'voting' && t.committee.some((m) => m.toLowerCase() === me))
      if (mine.length === 0) {
        ctx.status.activity = 'waiting to be drawn for a committee'
        return
      }
      const now = await ctx.protocol.ledger.clock.now()
      for (const task of mine) {
        ctx.status.task = task.id.toString()
        const due = await dueStepOf(TASK_VOTE_TABLE, participant, task, task.id, now)
        if (due.stage === undefined) {
          ctx.status.activity = `task ${task.id}: waiting for the next stage of the vote`
          continue
        }
        ctx.status.activity = `task ${task.id}: ${due.stage === 'commit-vote' ? 'checking and committing' : 'revealing'}`
        const verdict = (await due.step.run(task.id)) as VerifierVerdict
        ctx.stepTaken(due.stage === 'commit-vote' ? 'committed' : 'revealed', { task: task.id, approve: verdict.approve, reasons: verdict.reasonsCid })
      }
    },
  }
}
