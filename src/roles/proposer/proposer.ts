import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { drawCommittee } from '../../ledger/actions/tasks/draw-committee.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import type { TaskRecord } from '../../ledger/actions/tasks/get-task.js'
import { buildLineage } from '../../ledger/actions/market/build-lineage.js'
import type { Lineage } from '../../ledger/contracts/lineage.js'
import { publishModel } from '../../ledger/actions/market/publish-model.js'
import type { PublishModelReturnType } from '../../ledger/actions/market/publish-model.js'
import { proposeTask } from '../../ledger/actions/tasks/propose-task.js'
import type { ProposeTaskReturnType } from '../../ledger/actions/tasks/propose-task.js'
import { createTraining } from '../../ledger/actions/training/create-training.js'
import { getRoundModel } from '../../ledger/actions/training/get-round-model.js'
import { finishTraining } from '../../ledger/actions/training/finish-training.js'
import { finalizeTask } from '../../ledger/actions/tasks/finalize-task.js'
import type { Protocol } from '../../ledger/protocol.js'
import { trainingConfig } from '../../ledger/training-config.js'
import type { TrainingConfigInit } from '../../ledger/training-config.js'
import type { Training } from '../../ledger/training.js'
import { INITIAL_MODEL_SALT, initialWeights } from '../../ml/models/initial-weights.js'
import { deriveSeed } from '../../ml/random.js'
import { buildTaskSpec } from '../../tasks/build-task.js'
import type { BuildTaskSpecInit } from '../../tasks/build-task.js'
import type { TaskVoteParticipant } from '../task-vote-schedule.js'

/** The training a proposer creates once its task is open: everything but the emission, which the budget left sets. */
export type TrainingPlan = Omit<TrainingConfigInit, 'emissionPerRound'>

export type ProposerInit = {
  protocol: Protocol
  content: ContentStore
  key: PrivateKeyAccount
  /** The task's spec (model, training hyperparameters, mechanisms). */
  spec: BuildTaskSpecInit
  /** Budget escrowed with the proposal (wei): the verification fee and every round's emission. */
  budget: bigint
  training: TrainingPlan
  /** Seeds the initial model. */
  seed: number
  /**
   * How the committee is drawn once the seed block is mined (a grinding proposer tops up its
   * sybils' stake first).
   * @default drawCommittee
   */
  draw?: ((taskId: bigint) => Promise<readonly Address[]>) | undefined
}

/** What the proposer puts in the content store before it proposes. */
export type ProposerContent = { specCid: string; initialCid: string }

/**
 * A task's proposer: it writes the spec, model bundle and initial model to the content store,
 * proposes the task, draws the committee, finalizes the vote, creates the training, finishes it
 * once the last model's dispute window has passed, and publishes the final model with its
 * lineage.
 */
export interface Proposer {
  /** The proposer's address. */
  readonly address: Address
  /** Stores the spec, bundle and initial model (once; later calls return the same CIDs). */
  prepare(): Promise<ProposerContent>
  /** Proposes the task, escrowing the budget. */
  propose(): Promise<ProposeTaskReturnType & ProposerContent>
  /** Draws the code-verification committee. */
  drawCommittee(taskId: bigint): Promise<readonly Address[]>
  /** Settles the vote after the reveal phase; returns the task as it then stands. */
  finalize(taskId: bigint): Promise<TaskRecord>
  /** Creates the open task's training with the initial model; each round emits an equal part of the budget left. */
  createTraining(taskId: bigint): Promise<Training>
  /** When finishing opens: after the last model's dispute window (undefined until that model is posted). */
  finishOpensAt(training: Training): Promise<bigint | undefined>
  /** Ends the training; the rest of the budget goes back to the proposer. */
  finish(training: Training): Promise<void>
  /** Publishes the final model with its lineage. */
  publish(training: Training): Promise<PublishModelReturnType & { lineage: Lineage }>
}

/**
 * Creates a proposer.
 *
 * @example
 * ```ts
 * import { createProposer } from 'deai/roles'
 * const proposer = createProposer({ protocol, content, key, spec, budget, training: plan, seed: 1 })
 * const { taskId } = await proposer.propose()
 * ```
 */
export function createProposer(init: ProposerInit): Proposer {
  const { protocol, content, key } = init
  let prepared: Promise<ProposerContent> | undefined
  const prepare = (): Promise<ProposerContent> => {
    prepared ??= (async () => {
      const { specCid } = await buildTaskSpec(content, init.spec)
      const initialCid = await content.putTensor(initialWeights(init.spec.model, deriveSeed(init.seed, INITIAL_MODEL_SALT)))
      return { specCid, initialCid }
    })()
    return prepared
  }
  return {
    address: key.address,
    prepare,
    async propose() {
      const prepared = await prepare()
      return { ...(await proposeTask(protocol, key, { specCid: prepared.specCid, budget: init.budget })), ...prepared }
    },
    drawCommittee: (taskId) => (init.draw ?? ((id) => drawCommittee(protocol, key, id)))(taskId),
    async finalize(taskId) {
      await finalizeTask(protocol, key, taskId)
      return getTask(protocol, taskId)
    },
    async createTraining(taskId) {
      const { initialCid } = await prepare()
      const task = await getTask(protocol, taskId)
      const config = trainingConfig({ ...init.training, emissionPerRound: task.budget / BigInt(init.training.rounds) })
      return createTraining(protocol, key, taskId, config, initialCid)
    },
    async finishOpensAt(training) {
      const last = await getRoundModel(training, BigInt(init.training.rounds))
      return last === undefined ? undefined : last.postedAt + init.training.periods.dispute + 1n
    },
    async finish(training) {
      await finishTraining(training, key)
    },
    async publish(training) {
      const lineage = await buildLineage(protocol, training)
      return { ...(await publishModel(protocol, key, { taskId: training.taskId, lineage, store: content })), lineage }
    },
  }
}

/** The proposer's step in its task's vote: finalize after the reveal phase, done once no longer voting. */
export function proposerVoteParticipant(proposer: Proposer, protocol: Protocol): TaskVoteParticipant {
  return {
    role: 'proposer',
    steps: { finalize: { run: (taskId) => proposer.finalize(taskId), done: async (taskId) => (await getTask(protocol, taskId)).status !== 'voting' } },
  }
}
