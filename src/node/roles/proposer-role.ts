/**
 * The proposer as a long-running role: drives one task from proposal to training. It writes
 * the spec, model bundle and initial model to its content store (and serves them to peers),
 * proposes the task, draws the committee once the seed block is mined, finalizes the vote
 * after the reveal phase, creates the training with the initial model, and when the last
 * round's dispute window has passed, finishes the training (the rest of the budget returns).
 * Each tick reads the task's state from the chain, so a restarted proposer picks up its own
 * task (same spec, same key) where it was.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { drawCommittee } from '../../ledger/actions/tasks/draw-committee.js'
import { getTask, listTasks } from '../../ledger/actions/tasks/get-task.js'
import { listStakers } from '../../ledger/actions/staking/list-stakers.js'
import { getTaskRules } from '../../ledger/actions/tasks/get-task-rules.js'
import { getModelInfo } from '../../ledger/actions/training/get-model-info.js'
import { proposeTask } from '../../ledger/actions/tasks/propose-task.js'
import { createTraining } from '../../ledger/actions/training/create-training.js'
import { findTraining } from '../../ledger/actions/training/find-training.js'
import { getRoundProgress } from '../../ledger/actions/training/round-progress.js'
import { finishTraining } from '../../ledger/actions/training/finish-training.js'
import { finalizeTask } from '../../ledger/actions/tasks/finalize-task.js'
import { CONSENSUS_IDS, encodeAggregation, trainingConfig } from '../../ledger/training-config.js'
import type { TrainingConfig } from '../../ledger/training-config.js'
import { initMl } from '../../ml/backend.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { INITIAL_MODEL_SALT, initialWeights } from '../../ml/models/initial-weights.js'
import { deriveSeed } from '../../ml/random.js'
import type { AggregationSpec } from '../../roles/aggregator/next-global-model.js'
import { buildTaskSpec } from '../../tasks/build-task.js'
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

/** The training config the proposer creates (the runner's defaults, with the given periods). */
export function proposerTrainingConfig(init: ProposerRoleInit, budgetLeft: bigint): TrainingConfig {
  return trainingConfig({
    rounds: init.training.rounds,
    periods: {
      train: init.periods.train,
      updateReveal: init.periods.updateReveal ?? init.periods.reveal,
      score: init.periods.score,
      reveal: init.periods.reveal,
      settle: init.periods.settle ?? init.periods.reveal,
      dispute: init.periods.dispute,
    },
    emissionPerRound: budgetLeft / BigInt(init.training.rounds),
    maxUpdates: init.maxUpdates ?? 32,
    consensus: CONSENSUS_IDS[init.consensus],
    ...encodeAggregation(init.aggregation),
  })
}

/** Creates the driver of a proposer node. */
export function proposerRole(ctx: NodeContext, init: ProposerRoleInit): RoleDriver {
  let taskId = init.taskId
  let prepared: { specCid: string; initialCid: string } | undefined
  let done = false

  const prepare = async () => {
    await initMl()
    const { specCid } = await buildTaskSpec(ctx.content, {
      name: init.name,
      model: init.model,
      training: init.training,
      mechanisms: { aggregation: init.aggregation.rule, consensus: init.consensus },
    })
    const initialCid = await ctx.content.putTensor(initialWeights(init.model, deriveSeed(init.seed ?? 1, INITIAL_MODEL_SALT)))
    return { specCid, initialCid }
  }

  return {
    async tick() {
      if (done) return
      prepared ??= await prepare()
      const { specCid, initialCid } = prepared
      if (taskId === undefined) {
        const me = ctx.key.address.toLowerCase()
        const mine = (await listTasks(ctx.protocol)).filter((t) => t.proposer.toLowerCase() === me && t.specCid === specCid && ['proposed', 'voting', 'open'].includes(t.status))
        taskId = mine.at(-1)?.id
        if (taskId === undefined) {
          // A committee drawn from too small a pool fails the task: wait for the verifiers.
          const rules = await getTaskRules(ctx.protocol)
          const verifiers = await listStakers(ctx.protocol, { role: 'verifier' })
          if (verifiers.length < rules.committeeSize) {
            ctx.status.activity = `waiting for ${rules.committeeSize} staked verifiers (${verifiers.length} so far) before proposing`
            return
          }
          const proposed = await proposeTask(ctx.protocol, ctx.key, { specCid, budget: init.budget })
          taskId = proposed.taskId
          ctx.stepTaken('proposed', { task: taskId, spec: specCid, seedBlock: proposed.seedBlock })
        }
        ctx.status.task = taskId.toString()
      }
      const task = await getTask(ctx.protocol, taskId)
      ctx.status.task = taskId.toString()
      switch (task.status) {
        case 'proposed': {
          ctx.status.activity = 'drawing the committee'
          const committee = await drawCommittee(ctx.protocol, ctx.key, taskId)
          ctx.stepTaken('drew the committee', { task: taskId, committee })
          return
        }
        case 'voting': {
          const now = await ctx.protocol.ledger.clock.now()
          if (now <= task.revealDeadline) {
            ctx.status.activity = `waiting for the committee's votes (reveal phase ends ${new Date(Number(task.revealDeadline) * 1000).toISOString()})`
            return
          }
          await finalizeTask(ctx.protocol, ctx.key, taskId)
          const after = await getTask(ctx.protocol, taskId)
          ctx.stepTaken('finalized the vote', { task: taskId, status: after.status })
          return
        }
        case 'open': {
          const training = await findTraining(ctx.protocol, taskId)
          if (training === undefined) {
            const created = await createTraining(ctx.protocol, ctx.key, taskId, proposerTrainingConfig(init, task.budget), initialCid)
            ctx.stepTaken('created the training', { task: taskId, training: created.address, initialModel: initialCid })
            return
          }
          const progress = await getRoundProgress(training, 0n)
          ctx.status.round = progress.currentRound.toString()
          const last = BigInt(init.training.rounds)
          if (progress.currentRound !== last || (await getRoundProgress(training, last)).postedModelCid === undefined) {
            ctx.status.activity = `training: round ${progress.currentRound}`
            return
          }
          const model = await getModelInfo(training, last)
          const now = await ctx.protocol.ledger.clock.now()
          if (now <= BigInt(model.postedAt) + init.periods.dispute) {
            ctx.status.activity = 'waiting for the last model\'s dispute window'
            return
          }
          await finishTraining(training, ctx.key)
          ctx.stepTaken('finished the training', { task: taskId })
          ctx.status.activity = 'done: serving the task\'s content'
          done = true
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
