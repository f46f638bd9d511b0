/**
 * The proposer node: the proposer role's steps on the polling driver, one task from proposal
 * to its published model. Each tick reads the task's state from the chain and takes the step
 * that is due: propose (once enough verifiers are staked), draw the committee, finalize the vote
 * when the vote's stage table opens `finalize`, create the training, finish it once the last
 * model's dispute window has passed, publish the final model. A restarted proposer picks up its
 * own task (same spec, same key) where it was.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { getModelRecord } from '../../ledger/actions/market/get-model-record.js'
import { listStakers } from '../../ledger/actions/staking/list-stakers.js'
import { getTaskRules } from '../../ledger/actions/tasks/get-task-rules.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { listTasks } from '../../ledger/actions/tasks/list-tasks.js'
import { findTraining } from '../../ledger/actions/training/find-training.js'
import { isTrainingFinished } from '../../ledger/actions/training/is-training-finished.js'
import { getRoundProgress } from '../../ledger/actions/training/get-round-progress.js'
import { CONSENSUS_IDS, encodeAggregation } from '../../ledger/training-config.js'
import { initMl } from '../../ml/backend.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import type { AggregationSpec } from '../../mechanisms/aggregation/aggregate.js'
import { createProposer, proposerVoteParticipant } from '../../roles/proposer/proposer.js'
import type { TrainingPlan } from '../../roles/proposer/proposer.js'
import { dueStepOf } from '../../roles/stage-table.js'
import { TASK_VOTE_TABLE } from '../../roles/task-vote-schedule.js'
import type { TaskSpec } from '../../tasks/task-spec.js'
import type { NodeContext, RoleDriver } from '../node-context.js'

export type ProposerRoleInit = {
  /** Resume this task instead of finding or proposing one. */
  taskId?: bigint
  name: string
  model: ModelKind
  training: TaskSpec['training']
  aggregation: AggregationSpec
  consensus: TaskSpec['mechanisms']['consensus']
  /** Budget escrowed with the proposal (wei); the training emission comes out of it. */
  budget: bigint
  /** Seconds of each round's phases, and of a posted model's dispute window (the update reveal and settle phases default to the reveal phase's length). */
  periods: { train: bigint; updateReveal?: bigint; score: bigint; reveal: bigint; settle?: bigint; dispute: bigint }
  /** Most updates per round. @default 32 */
  maxUpdates?: number
  /** Seeds the initial model. @default 1 */
  seed?: number
}

/** The training the proposer node creates (the protocol's defaults, with the given periods). */
export function proposerTrainingPlan(init: ProposerRoleInit): TrainingPlan {
  return {
    rounds: init.training.rounds,
    periods: {
      train: init.periods.train,
      updateReveal: init.periods.updateReveal ?? init.periods.reveal,
      score: init.periods.score,
      reveal: init.periods.reveal,
      settle: init.periods.settle ?? init.periods.reveal,
      dispute: init.periods.dispute,
    },
    maxUpdates: init.maxUpdates ?? 32,
    consensus: CONSENSUS_IDS[init.consensus],
    ...encodeAggregation(init.aggregation),
  }
}

/** Creates the driver of a proposer node. */
export function proposerDriver(ctx: NodeContext, init: ProposerRoleInit): RoleDriver {
  const proposer = createProposer({
    protocol: ctx.protocol, content: ctx.content, key: ctx.key, budget: init.budget, seed: init.seed ?? 1, training: proposerTrainingPlan(init),
    spec: { name: init.name, model: init.model, training: init.training, mechanisms: { aggregation: init.aggregation.rule, consensus: init.consensus } },
  })
  const vote = proposerVoteParticipant(proposer, ctx.protocol)
  let taskId = init.taskId
  let ready = false
  let done = false

  /** The proposer's own task, found on chain or proposed once enough verifiers are staked. */
  const findOrPropose = async (): Promise<bigint | undefined> => {
    const { specCid } = await proposer.prepare()
    const me = ctx.key.address.toLowerCase()
    const mine = (await listTasks(ctx.protocol)).filter((t) => t.proposer.toLowerCase() === me && t.specCid === specCid && ['proposed', 'voting', 'open'].includes(t.status))
    const found = mine.at(-1)?.id
    if (found !== undefined) return found
    // A committee drawn from too small a pool fails the task: wait for the verifiers.
    const { committeeSize } = await getTaskRules(ctx.protocol)
    const verifiers = await listStakers(ctx.protocol, { role: 'verifier' })
    if (verifiers.length < committeeSize) {
      ctx.status.activity = `waiting for ${committeeSize} staked verifiers (${verifiers.length} so far) before proposing`
      return undefined
    }
    const proposed = await proposer.propose()
    ctx.stepTaken('proposed', { task: proposed.taskId, spec: specCid, seedBlock: proposed.seedBlock })
    return proposed.taskId
  }

  return {
    async tick() {
      if (done) return
      if (!ready) {
        await initMl()
        await proposer.prepare()
        ready = true
      }
      taskId ??= await findOrPropose()
      if (taskId === undefined) return
      const task = await getTask(ctx.protocol, taskId)
      ctx.status.task = taskId.toString()
      const now = await ctx.protocol.ledger.clock.now()
      switch (task.status) {
        case 'proposed': {
          ctx.status.activity = 'drawing the committee'
          const committee = await proposer.drawCommittee(taskId)
          ctx.stepTaken('drew the committee', { task: taskId, committee })
          return
        }
        case 'voting': {
          const due = await dueStepOf(TASK_VOTE_TABLE, vote, task, taskId, now)
          if (due.stage === undefined) {
            ctx.status.activity = `waiting for the committee's votes (reveal phase ends ${new Date(Number(task.revealDeadline) * 1000).toISOString()})`
            return
          }
          await due.step.run(taskId)
          ctx.stepTaken('finalized the vote', { task: taskId, status: (await getTask(ctx.protocol, taskId)).status })
          return
        }
        case 'open': {
          const training = await findTraining(ctx.protocol, taskId)
          if (training === undefined) {
            const created = await proposer.createTraining(taskId)
            ctx.stepTaken('created the training', { task: taskId, training: created.address, initialModel: (await proposer.prepare()).initialCid })
            return
          }
          if (await isTrainingFinished(training)) {
            if ((await getModelRecord(ctx.protocol, taskId)) === undefined) {
              const published = await proposer.publish(training)
              ctx.stepTaken('published the model', { task: taskId, model: published.lineage.model, lineage: published.lineageCid })
            }
            ctx.status.activity = 'done: serving the task\'s content'
            done = true
            return
          }
          const progress = await getRoundProgress(training, 0n)
          ctx.status.round = progress.currentRound.toString()
          const finishAt = await proposer.finishOpensAt(training)
          if (finishAt === undefined) {
            ctx.status.activity = `training: round ${progress.currentRound}`
            return
          }
          if (now < finishAt) {
            ctx.status.activity = 'waiting for the last model\'s dispute window'
            return
          }
          await proposer.finish(training)
          ctx.stepTaken('finished the training', { task: taskId })
          return
        }
        default:
          done = true
          ctx.status.activity = `task ${taskId} is ${task.status}`
          throw new DeaiError('NODE_TASK_ENDED', `Task ${taskId} is ${task.status}; the proposer has nothing more to do.`, {
            fixes: task.status === 'rejected' ? ['Read the committee\'s reasons (deai task show), fix the spec and propose again.'] : [],
          })
      }
    },
  }
}
