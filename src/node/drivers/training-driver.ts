/**
 * The trainer, validator and aggregator nodes: their role steps on the polling driver. They wait for the task to be open
 * and its training created, stake if not staked, then follow the rounds by the shared round
 * schedule, taking this node's step whenever its stage is open and the chain shows it not yet
 * done. Everything is read back from the chain on each tick, so a restarted node resumes in the
 * current round (or the next, if its stage has closed) without repeating a step.
 *
 * @packageDocumentation
 */
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { listTasks } from '../../ledger/actions/tasks/list-tasks.js'
import { getTaskCount } from '../../ledger/actions/tasks/get-task-count.js'
import { findTraining } from '../../ledger/actions/training/find-training.js'
import { getTrainingConfig } from '../../ledger/actions/training/get-training-config.js'
import { getRound } from '../../ledger/actions/training/get-round.js'
import { getRoundProgress } from '../../ledger/actions/training/get-round-progress.js'
import type { Training } from '../../ledger/training.js'
import { decodeAggregation } from '../../ledger/training-config.js'
import { initMl } from '../../ml/backend.js'
import { createAggregator } from '../../roles/aggregator/aggregator.js'
import { aggregatorParticipant, dueStep, trainerParticipant, validatorParticipant } from '../../roles/round-schedule.js'
import type { RoundParticipant } from '../../roles/round-schedule.js'
import { createTrainer, updatesTopic } from '../../roles/trainer/trainer.js'
import { createValidator } from '../../roles/validator/validator.js'
import { readJsonMessage } from '../../peers/json-messages.js'
import { loadDataPart } from '../node-data.js'
import type { DataPartInit } from '../node-data.js'
import { ensureStaked } from '../node-context.js'
import type { NodeContext, RoleDriver } from '../node-context.js'
import { modelKindOf, readTaskSpec } from './task-training.js'
import { getGrantedShards } from '../../ledger/actions/data/get-granted-shards.js'
import { listShards } from '../../ledger/actions/data/list-shards.js'
import { DeaiError } from '../../errors/base.js'
import { decodeImageSet } from '../../ml/datasets/image-set-bytes.js'
import type { ImageSet } from '../../ml/datasets/image-set.js'

export type TrainingRoleInit = {
  role: 'trainer' | 'validator' | 'aggregator'
  /** The task to work on. @default the newest open task */
  taskId?: bigint
  /** Stake to put in the task's pool if the key has none (wei). */
  stake: bigint
  /**
   * The node's examples: a part of a split read from disk (trainers: the training split;
   * validators: a private part of the test split), examples held in memory, or (trainers) the
   * shard a data provider granted it on chain, read back by CID.
   * @default part 0 of 1 of the split
   */
  data?: Omit<DataPartInit, 'split'> | HeldExamples | 'granted'
  /** Seeds the trainer's shuffles. @default 1 */
  seed?: number
}

/** Examples held in memory, and which of them are the node's. */
export type HeldExamples = { imageSet: ImageSet; indices: readonly number[] }

type Working = { training: Training; participant: RoundParticipant; rounds: bigint }

/** Creates the driver of a trainer, validator or aggregator node. */
export function trainingDriver(ctx: NodeContext, init: TrainingRoleInit): RoleDriver {
  let taskId = init.taskId
  let staked = false
  let working: Working | undefined
  let begin: ((training: Training) => Promise<Working>) | undefined
  let unsubscribe: (() => void) | undefined

  /**
   * Loads what the role needs before the training exists (the spec, the ML backend, the data),
   * so that when round 1 opens the node only has to work: a round's phases are short.
   */
  const prepare = async (specCid: string): Promise<(training: Training) => Promise<Working>> => {
    const owner = ctx.key.address
    const withConfig = async (training: Training) => {
      const config = await getTrainingConfig(training)
      return { config, rounds: BigInt(config.rounds) }
    }
    if (init.role === 'aggregator') {
      return async (training) => {
        const { config, rounds } = await withConfig(training)
        const aggregator = createAggregator({ training, content: ctx.content, key: ctx.key, aggregation: decodeAggregation(config.aggregation, config.aggregationParam) })
        return { training, participant: aggregatorParticipant(aggregator, training), rounds }
      }
    }
    const spec = await readTaskSpec(ctx.content, specCid)
    await initMl()
    const kind = await modelKindOf(ctx.content, spec)
    const own = async (split: 'train' | 'test'): Promise<HeldExamples | undefined> => {
      const data = init.data ?? { part: 0, parts: 1, seed: 1 }
      if (data === 'granted') return undefined
      if ('imageSet' in data) return data
      const part = await loadDataPart({ ...data, split })
      ctx.log.info(split === 'train' ? 'loaded data' : 'loaded validation shard', { examples: part.data.count, part: data.part, parts: data.parts })
      return { imageSet: part.data, indices: part.indices }
    }
    if (init.role === 'trainer') {
      const held = await own('train')
      return async (training) => {
        const mine = held ?? (await grantedExamples(training.taskId))
        const trainer = createTrainer({
          training, content: ctx.content, peers: ctx.peers, key: ctx.key, owner, kind, data: mine.imageSet, indices: mine.indices,
          epochs: spec.training.localEpochs, batchSize: spec.training.batchSize, learningRate: spec.training.learningRate,
          seed: init.seed ?? 1, conduct: { behaviour: 'honest' },
        })
        return { training, participant: trainerParticipant(trainer, training), rounds: (await withConfig(training)).rounds }
      }
    }
    const held = await own('test')
    if (held === undefined) throw new DeaiError('NODE_NO_VALIDATION_DATA', 'A validator holds its own validation examples; none are granted on chain.', { fixes: ['Give the validator --partition I/N of the test split.'] })
    return async (training) => {
      const validator = createValidator({ training, content: ctx.content, key: ctx.key, owner, kind, data: held.imageSet, indices: held.indices, behaviour: 'honest', seed: init.seed ?? 1 })
      return { training, participant: validatorParticipant(validator, training), rounds: (await withConfig(training)).rounds }
    }
  }

  /** The shard a data provider granted this trainer, read back by the CID registered on chain. */
  const grantedExamples = async (taskId: bigint): Promise<HeldExamples> => {
    const granted = await getGrantedShards(ctx.protocol, taskId, ctx.key.address)
    const shard = (await listShards(ctx.protocol, taskId)).find((s) => s.id === granted[0])
    if (shard === undefined) {
      throw new DeaiError('NODE_NO_GRANTED_SHARD', `No data provider has granted this trainer a shard of task ${taskId} yet.`, { fixes: ['Wait for a data provider, or give the trainer --partition I/N of the training split.'] })
    }
    const examples = decodeImageSet(await ctx.content.getBytes(shard.cid), `shard ${shard.id}`)
    ctx.log.info('read its granted shard', { shard: shard.id, cid: shard.cid, examples: examples.count })
    return { imageSet: examples, indices: Array.from({ length: examples.count }, (_, i) => i) }
  }

  /** Fetches announced updates at once, so they stay available if their trainer goes away. */
  const prefetchAnnouncedUpdates = (id: bigint): void => {
    if (init.role === 'trainer' || unsubscribe !== undefined) return
    unsubscribe = ctx.peers.subscribe(updatesTopic(id), async (message) => {
      const value = readJsonMessage(message) as { cid?: unknown; round?: unknown }
      if (typeof value.cid !== 'string') return
      try {
        await ctx.content.getTensor(value.cid)
        ctx.log.debug('prefetched update', { cid: value.cid, from: message.from })
      } catch (error) {
        ctx.log.warn('could not prefetch an announced update', { cid: value.cid, error: error instanceof Error ? error.message : String(error) })
      }
    })
  }

  return {
    async tick() {
      if (taskId === undefined) {
        const open = (await listTasks(ctx.protocol)).filter((t) => t.status === 'open')
        taskId = open.at(-1)?.id
        if (taskId === undefined) {
          ctx.status.activity = 'waiting for an open task'
          return
        }
      }
      ctx.status.task = taskId.toString()
      prefetchAnnouncedUpdates(taskId)
      if (begin === undefined && (await getTaskCount(ctx.protocol)) < taskId) {
        ctx.status.activity = `waiting for task ${taskId} to be proposed`
        return
      }
      if (!staked) {
        await ensureStaked(ctx, init.role, init.stake, taskId)
        staked = true
      }
      if (begin === undefined) {
        begin = await prepare((await getTask(ctx.protocol, taskId)).specCid)
      }
      if (working === undefined) {
        const training = await findTraining(ctx.protocol, taskId)
        if (training === undefined) {
          ctx.status.activity = `waiting for task ${taskId}'s training to be created`
          return
        }
        working = await begin(training)
        ctx.log.info('following the training', { training: training.address, rounds: working.rounds })
      }
      const { training, participant, rounds } = working
      const progress = await getRoundProgress(training, 0n)
      const round = progress.currentRound
      ctx.status.round = round.toString()
      const info = await getRound(training, round)
      const now = await ctx.protocol.ledger.clock.now()
      const due = await dueStep(participant, info, now)
      if (due.stage === undefined) {
        const finished = round === rounds && (await getRoundProgress(training, round)).postedModelCid !== undefined
        ctx.status.activity = finished ? 'training is over' : `round ${round}: waiting`
        return
      }
      ctx.status.activity = `round ${round}: ${due.stage}`
      ctx.log.info('step due', { round, stage: due.stage })
      const started = Date.now()
      const value = await due.step.run(round)
      const cid = typeof value === 'object' && value !== null && 'cid' in value ? String(value.cid) : undefined
      ctx.stepTaken(due.stage, { round, seconds: (Date.now() - started) / 1000, ...(cid === undefined ? {} : { cid }) })
    },
    async close() {
      unsubscribe?.()
    },
  }
}
