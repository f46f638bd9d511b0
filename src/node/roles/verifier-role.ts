/**
 * The verifier as a long-running role: stake in the protocol-wide verifier pool if not staked,
 * then, for every task in its voting phase whose committee holds this node's owner, run the
 * verifier rule set and commit the verdict during the commit phase and reveal it during the
 * reveal phase. What has been done is read from the registry, so a restart neither repeats a
 * vote nor misses one whose phase is still open.
 *
 * @packageDocumentation
 */
import { getTask, listTasks } from '../../ledger/actions/tasks/get-task.js'
import type { TaskRecord } from '../../ledger/actions/tasks/get-task.js'
import { getTaskVote } from '../../ledger/actions/tasks/get-task-vote.js'
import { initMl } from '../../ml/backend.js'
import { verifyAndVote } from '../../roles/verifier/verify-and-vote.js'
import { ensureStaked } from '../node-context.js'
import type { NodeContext, RoleDriver } from '../node-context.js'

export type VerifierRoleInit = {
  /** Only this task. @default every task */
  taskId?: bigint
  /** Stake to put in the verifier pool if the key has none (wei). */
  stake: bigint
}

/** Creates the driver of a verifier node. */
export function verifierRole(ctx: NodeContext, init: VerifierRoleInit): RoleDriver {
  let staked = false
  return {
    async tick() {
      if (!staked) {
        await ensureStaked(ctx, 'verifier', init.stake)
        // Load the ML backend now: the check builds the task's model, and the commit phase is short.
        await initMl()
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
        const vote = await getTaskVote(ctx.protocol, { taskId: task.id, member: ctx.key.address })
        const committed = vote.committed
        const due = !committed ? now <= task.commitDeadline : !vote.revealed && now > task.commitDeadline && now <= task.revealDeadline
        if (!due) {
          ctx.status.activity = `task ${task.id}: waiting for the ${committed ? 'reveal' : 'next'} phase`
          continue
        }
        ctx.status.activity = `task ${task.id}: ${committed ? 'revealing' : 'checking and committing'}`
        const result = await verifyAndVote(ctx.protocol, ctx.content, ctx.key, task.id)
        ctx.stepTaken(result.step, { task: task.id, approve: result.approve, reasons: result.reasonsCid })
      }
    },
  }
}
