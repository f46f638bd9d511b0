import { parseEther } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { digestToCid } from '../../src/content/cid-digest.js'
import { dataRegistryAbi } from '../../src/ledger/contracts/generated/DataRegistry.js'
import { inferenceLogAbi } from '../../src/ledger/contracts/generated/InferenceLog.js'
import { modelRegistryAbi } from '../../src/ledger/contracts/generated/ModelRegistry.js'
import { trainingAt } from '../../src/ledger/training.js'
import type { Training as SdkTraining } from '../../src/ledger/training.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { stakeManagerTestAbi, taskRegistryTestAbi, tokenErrorsAbi } from './protocol-fixture.js'
import type { ProtocolFixture } from './protocol-fixture.js'
import { advancePast } from './task-flow.js'
import {
  createTraining,
  digestOf,
  modelInfo,
  postModel,
  scoreRound,
  settleRound,
  stakeAs,
  submitUpdate,
  trainingConfig,
} from './training-flow.js'
import type { Training, TrainingConfig } from './training-flow.js'

type AbiError = { type: 'error' }
const errorsOf = <T extends readonly { type: string }[]>(abi: T) => abi.filter((item): item is Extract<T[number], AbiError> => item.type === 'error')

/** DataRegistry's ABI plus the errors of what it calls, so every revert decodes by name. */
export const dataRegistryTestAbi = [...dataRegistryAbi, ...errorsOf(taskRegistryTestAbi), ...errorsOf(stakeManagerTestAbi)]
/** ModelRegistry's ABI. */
export const modelRegistryTestAbi = modelRegistryAbi
/** InferenceLog's ABI plus the token's errors (an escrow without allowance or balance). */
export const inferenceLogTestAbi = [...inferenceLogAbi, ...tokenErrorsAbi]

/** The CID of the deterministic raw digest `digestOf(label)`. */
export function cidOf(label: string): string {
  return digestToCid({ digest: digestOf(label), codec: 'raw' })
}

/** The SDK's handle on a training made with the test helpers. */
export function sdkTraining(fx: ProtocolFixture, taskId: bigint, training: Training): SdkTraining {
  return trainingAt(fx.protocol, taskId, training.address)
}

/** Who plays a round: trainers with their update labels, validators with their scores. */
export type RoundPlan = {
  updates: readonly { trainer: PrivateKeyAccount; label: string }[]
  /** One score per update, in submission order, for every validator. */
  scores: readonly number[]
  /** Runs after the round's submissions, before scoring (e.g. grants made mid-training). */
  afterSubmissions?: () => Promise<void>
}

export type TrainingActors = {
  proposer: PrivateKeyAccount
  trainers: readonly PrivateKeyAccount[]
  validators: readonly PrivateKeyAccount[]
  aggregator: PrivateKeyAccount
}

/**
 * Stakes every trainer (100 DEAI), validator (200 DEAI) and the aggregator (100 DEAI) in an open
 * task, then creates its training: validators weigh their stake as of the block before a round
 * opens, so they stake before round 1 does.
 */
export async function startTraining(fx: ProtocolFixture, taskId: bigint, actors: TrainingActors, config: TrainingConfig = trainingConfig()): Promise<Training> {
  for (const t of actors.trainers) await stakeAs(fx, t, taskId, 'trainer', parseEther('100'))
  for (const v of actors.validators) await stakeAs(fx, v, taskId, 'validator', parseEther('200'))
  await stakeAs(fx, actors.aggregator, taskId, 'aggregator', parseEther('100'))
  const { training } = await createTraining(fx, actors.proposer, taskId, config, digestOf(`initial ${taskId}`))
  return training
}

/** Plays one round to its end: update commitments and reveals, scoring by every validator, settlement and the aggregator's model. */
export async function playRound(fx: ProtocolFixture, training: Training, actors: TrainingActors, round: bigint, plan: RoundPlan): Promise<Hex> {
  for (const u of plan.updates) await submitUpdate(fx, training, u.trainer, round, digestOf(u.label), 100)
  await plan.afterSubmissions?.()
  await scoreRound(fx, training, round, actors.validators.map((key) => ({ key, scores: plan.scores })))
  await settleRound(fx, training, actors.proposer, round)
  const model = digestOf(`model ${training.address} ${round}`)
  await postModel(fx, training, actors.aggregator, round, model)
  return model
}

/** Lets the last model's dispute window pass and finishes the training. */
export async function finishTraining(fx: ProtocolFixture, training: Training, actors: TrainingActors, lastRound: bigint): Promise<void> {
  const model = await modelInfo(fx, training, lastRound)
  const config = await fx.ledger.client.readContract({ ...training, functionName: 'config' })
  await advancePast(fx, model.postedAt + config.disputePeriod)
  await writeContract(fx.ledger, actors.proposer, { ...training, functionName: 'finish', args: [] })
}
