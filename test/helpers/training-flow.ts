import { encodeAbiParameters, getAddress, keccak256, maxUint256, parseEther, parseEventLogs, stringToBytes, toHex, zeroHash } from 'viem'
import type { Address, ContractFunctionArgs, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { CONTRACT_ENUMS } from '../../src/ledger/contracts/generated/protocol-constants.js'
import { trainingFactoryAbi } from '../../src/ledger/contracts/generated/TrainingFactory.js'
import { trainingRoundsAbi } from '../../src/ledger/contracts/generated/TrainingRounds.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import type { RoleName } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { accountAt, createProtocolFixture, stakeManagerTestAbi, taskRegistryTestAbi, tokenErrorsAbi } from './protocol-fixture.js'
import type { ProtocolFixture } from './protocol-fixture.js'
import { advancePast, bytes32Of, castVotes, drawWithSecret, proposeWithSecret } from './task-flow.js'

type AbiError = { type: 'error' }
const errorsOf = <T extends readonly { type: string }[]>(abi: T) => abi.filter((item): item is Extract<T[number], AbiError> => item.type === 'error')

/** TrainingRounds' ABI plus the errors of the contracts it calls, so every revert decodes by name. */
export const trainingTestAbi = [...trainingRoundsAbi, ...errorsOf(stakeManagerTestAbi), ...errorsOf(taskRegistryTestAbi), ...tokenErrorsAbi]
/** TrainingFactory's ABI plus the errors of TrainingRounds (config checks) and TaskRegistry (budget). */
export const trainingFactoryTestAbi = [...trainingFactoryAbi, ...errorsOf(trainingRoundsAbi), ...errorsOf(taskRegistryTestAbi), ...errorsOf(stakeManagerTestAbi)]

export const TRAINER = roleId('trainer')
export const VALIDATOR = roleId('validator')
export const AGGREGATOR = roleId('aggregator')

/** Enum values of ITrainingRounds, as viem passes them. */
const { Consensus, Aggregation, Codec, RoundStatus, ModelStatus, DisputeStatus } = CONTRACT_ENUMS.ITrainingRounds
export const CONSENSUS = { flock: Consensus.Flock, medianScore: Consensus.MedianScore, yuma: Consensus.Yuma } as const
export const AGGREGATION = { fedAvg: Aggregation.FedAvg, median: Aggregation.Median, trimmedMean: Aggregation.TrimmedMean, krum: Aggregation.Krum, multiKrum: Aggregation.MultiKrum, bulyan: Aggregation.Bulyan } as const
export const CODEC = { raw: Codec.Raw, dagPb: Codec.DagPb, dagJson: Codec.DagJson } as const
export const ROUND_STATUS = { none: RoundStatus.None, open: RoundStatus.Open, settled: RoundStatus.Settled, cancelled: RoundStatus.Cancelled, closed: RoundStatus.Closed } as const
export const MODEL_STATUS = { none: ModelStatus.None, posted: ModelStatus.Posted, rejected: ModelStatus.Rejected } as const
export const DISPUTE_STATUS = { none: DisputeStatus.None, open: DisputeStatus.Open, resolved: DisputeStatus.Resolved } as const

/** ITrainingRounds.Config as viem types it. */
export type TrainingConfig = ContractFunctionArgs<typeof trainingFactoryAbi, 'nonpayable', 'createTraining'>[1]
/** One update commitment of a round and, once revealed, what it showed. */
export type Submission = { trainer: Address; revealed: boolean; digest: Hex; codec: number; examples: number }

export type Training = { address: Address; abi: typeof trainingTestAbi }

/**
 * A valid config with round numbers easy to check by hand: 1,000 DEAI per round, 70% to
 * trainers, an update must score at least 50% and 90% of the median, validators may deviate
 * 30%, and slashes of 10% (trainers), 20% (validators) and 50% (aggregators).
 */
export function trainingConfig(overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return {
    rounds: 2,
    trainPeriod: 3600n,
    updateRevealPeriod: 3600n,
    scorePeriod: 3600n,
    revealPeriod: 3600n,
    settlePeriod: 3600n,
    disputePeriod: 1800n,
    emissionPerRound: parseEther('1000'),
    trainerShareBps: 7000,
    acceptFloorBps: 5000,
    acceptRelativeBps: 9000,
    deviationBoundBps: 3000,
    slashTrainerBps: 1000,
    slashValidatorBps: 2000,
    slashAggregatorBps: 5000,
    maxUpdates: 10,
    maxValidators: 16,
    consensus: CONSENSUS.flock,
    aggregation: AGGREGATION.fedAvg,
    aggregationParam: 0,
    minTrainerStake: parseEther('10'),
    minValidatorStake: parseEther('100'),
    minAggregatorStake: parseEther('100'),
    ...overrides,
  }
}

/** A deterministic content digest from a label. */
export function digestOf(label: string): Hex {
  return keccak256(toHex(`digest ${label}`))
}

export type OpenTaskInit = {
  /** @default 10,000 DEAI */
  budget?: bigint
  /** @default 30 days from now */
  expiresAt?: bigint | undefined
  /** A distinct secret per task. @default 'training task' */
  label?: string | undefined
}

/**
 * Proposes a task and has its committee approve it, so it is Open with `budget` escrowed (the
 * fixture's task rules must draw the committee from `verifiers`, all staked in pool 0).
 */
export async function openTask(fx: ProtocolFixture, proposer: PrivateKeyAccount, verifiers: readonly PrivateKeyAccount[], init: OpenTaskInit = {}): Promise<bigint> {
  const secret = bytes32Of(init.label ?? 'training task')
  const taskId = await proposeWithSecret(fx, proposer, {
    secret,
    budget: init.budget ?? parseEther('10000'),
    ...(init.expiresAt === undefined ? {} : { expiresAt: init.expiresAt }),
  })
  const { committee } = await drawWithSecret(fx, proposer, taskId, secret)
  const keyOf = new Map(verifiers.map((v) => [v.address, v]))
  await castVotes(fx, taskId, committee.map((member) => {
    const key = keyOf.get(member)
    if (key === undefined) throw new Error(`${member} is not one of the verifiers`)
    return { key, vote: 'approve' as const }
  }))
  await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
  return taskId
}

/** The accounts of a training test: a proposer, three staked verifiers, then the working roles. */
export type TrainingCast = {
  fx: ProtocolFixture
  proposer: PrivateKeyAccount
  verifiers: PrivateKeyAccount[]
  trainers: PrivateKeyAccount[]
  validators: PrivateKeyAccount[]
  aggregators: PrivateKeyAccount[]
}

/**
 * Deploys the protocol (committees of 3) and hands out accounts in order: 1 proposer, 3
 * verifiers (staked), then the trainers, validators and aggregators asked for.
 */
export async function createTrainingCast(counts: { trainers: number; validators: number; aggregators: number }): Promise<TrainingCast> {
  const accounts = Math.max(16, 5 + counts.trainers + counts.validators + counts.aggregators)
  const fx = await createProtocolFixture({ accounts, params: { tasks: { committeeSize: 3 } } })
  let next = 2
  const take = (n: number) => Array.from({ length: n }, () => accountAt(fx, next++))
  const cast = { fx, proposer: accountAt(fx, 1), verifiers: take(3), trainers: take(counts.trainers), validators: take(counts.validators), aggregators: take(counts.aggregators) }
  await stakeVerifiers(fx, cast.verifiers)
  return cast
}

/** What `setUpTraining` opens, stakes and creates; the task's budget, expiry and label are `openTask`'s. */
export type TrainingSetUp = OpenTaskInit & {
  config: TrainingConfig
  /** Each trainer's stake. @default 100 DEAI */
  trainerStake?: bigint
  /**
   * The i-th validator's stake, one per validator. @default 500, 300 and 200 DEAI for the first
   * three, 100 for the rest (unequal, so weights and the validator set are easy to check by hand)
   */
  validatorStakes?: readonly bigint[]
  /** Each aggregator's stake. @default 100 DEAI */
  aggregatorStake?: bigint
}

const DEFAULT_VALIDATOR_STAKES = [parseEther('500'), parseEther('300'), parseEther('200')]

/**
 * Opens a task for the cast, stakes its trainers, validators and aggregators in that order, and
 * only then creates the training, so every stake counts from round 1.
 */
export async function setUpTraining(cast: TrainingCast, init: TrainingSetUp): Promise<{ taskId: bigint; training: Training }> {
  const { fx, proposer } = cast
  const taskId = await openTask(fx, proposer, cast.verifiers, init)
  for (const t of cast.trainers) await stakeAs(fx, t, taskId, 'trainer', init.trainerStake ?? parseEther('100'))
  for (const [i, v] of cast.validators.entries()) {
    const stake = init.validatorStakes === undefined ? (DEFAULT_VALIDATOR_STAKES[i] ?? parseEther('100')) : init.validatorStakes[i]
    if (stake === undefined) throw new Error(`no stake given for validator ${i}`)
    await stakeAs(fx, v, taskId, 'validator', stake)
  }
  for (const a of cast.aggregators) await stakeAs(fx, a, taskId, 'aggregator', init.aggregatorStake ?? parseEther('100'))
  const { training } = await createTraining(fx, proposer, taskId, init.config)
  return { taskId, training }
}

/** A slashing reason as the contracts record it: the hash of its name. */
export function reasonOf(name: string): Hex {
  return keccak256(stringToBytes(name))
}

/** Stakes each verifier 1,000 DEAI in the protocol-wide pool. */
export async function stakeVerifiers(fx: ProtocolFixture, verifiers: readonly PrivateKeyAccount[]): Promise<void> {
  for (const v of verifiers) await stakeIn(fx, v, 0n, roleId('verifier'), parseEther('1000'))
}

/** Approves and stakes `amount` in pool (taskId, role). */
export async function stakeIn(fx: ProtocolFixture, owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<void> {
  await writeContract(fx.ledger, owner, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, amount] })
  await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'stake', args: [taskId, role, amount] })
}

/** Stakes in a task's pool for a role by name. */
export function stakeAs(fx: ProtocolFixture, owner: PrivateKeyAccount, taskId: bigint, role: RoleName, amount: bigint): Promise<void> {
  return stakeIn(fx, owner, taskId, roleId(role), amount)
}

/** A position in a task's pool for a role: active and unbonding stake, its release time and its lock. */
export function positionOf(fx: ProtocolFixture, taskId: bigint, role: RoleName, owner: Address) {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, roleId(role), owner] })
}

/** The factory as the fixture's deployment has it, with an ABI that decodes every revert. */
export function factoryOf(fx: ProtocolFixture): { address: Address; abi: typeof trainingFactoryTestAbi } {
  return { address: getAddress(fx.protocol.deployment.contracts.trainingFactory), abi: trainingFactoryTestAbi }
}

/** Creates the training of an open task through the factory; returns the clone and the receipt. */
export async function createTraining(
  fx: ProtocolFixture,
  proposer: PrivateKeyAccount,
  taskId: bigint,
  config: TrainingConfig,
  initialModel: Hex = digestOf('initial model'),
  codec: number = CODEC.raw,
): Promise<{ training: Training; receipt: TransactionReceipt }> {
  const factory = factoryOf(fx)
  const receipt = await writeContract(fx.ledger, proposer, { ...factory, functionName: 'createTraining', args: [taskId, config, initialModel, codec] })
  const [event] = parseEventLogs({ abi: trainingFactoryAbi, eventName: 'TrainingCreated', logs: receipt.logs })
  if (event === undefined) throw new Error('createTraining emitted no TrainingCreated')
  return { training: { address: event.args.training, abi: trainingTestAbi }, receipt }
}

/** Reads a view of a training clone. */
export function roundInfo(fx: ProtocolFixture, training: Training, round: bigint) {
  return fx.ledger.client.readContract({ ...training, functionName: 'roundInfo', args: [round] })
}

export function modelInfo(fx: ProtocolFixture, training: Training, round: bigint) {
  return fx.ledger.client.readContract({ ...training, functionName: 'modelInfo', args: [round] })
}

/** An update committed by `submitUpdate` (in the round's opening `attempt`) and not yet revealed. */
type PendingUpdate = { key: PrivateKeyAccount; owner: Address; attempt: number; digest: Hex; codec: number; examples: number; salt: Hex }

/** Commitments made through `submitUpdate`, per training and round, in commit order. */
const pendingUpdates = new Map<string, PendingUpdate[]>()
const pendingKey = (training: Training, round: bigint) => `${training.address.toLowerCase()} ${round}`

/** Lets the training phase of the round end (trainers may reveal their updates). */
export async function toUpdateReveal(fx: ProtocolFixture, training: Training, round: bigint): Promise<void> {
  await advancePast(fx, (await roundInfo(fx, training, round)).trainDeadline)
}

/**
 * Ends the training phase, reveals every update committed with `submitUpdate` (in commit order)
 * and lets the update reveal phase end: validators may commit.
 */
export async function toScoring(fx: ProtocolFixture, training: Training, round: bigint): Promise<void> {
  await toUpdateReveal(fx, training, round)
  await revealPendingUpdates(fx, training, round)
  await advancePast(fx, (await roundInfo(fx, training, round)).updateRevealDeadline)
}

/**
 * Reveals the round's updates committed with `submitUpdate` and not yet revealed. Commitments
 * made in an earlier opening of the round (cancelled by a dispute) cannot be revealed and are
 * dropped.
 */
export async function revealPendingUpdates(fx: ProtocolFixture, training: Training, round: bigint): Promise<void> {
  const key = pendingKey(training, round)
  const pending = pendingUpdates.get(key) ?? []
  pendingUpdates.delete(key)
  const attempt = await attemptOf(fx, training, round)
  for (const u of pending) {
    if (u.attempt === attempt) await revealUpdate(fx, training, u.key, round, u.digest, u.examples, u.codec, u.salt)
  }
}

/** Lets the scoring phase end (validators may reveal). */
export async function toReveal(fx: ProtocolFixture, training: Training, round: bigint): Promise<void> {
  await advancePast(fx, (await roundInfo(fx, training, round)).scoreDeadline)
}

/** Lets the reveal phase end (the round may settle). */
export async function toSettlement(fx: ProtocolFixture, training: Training, round: bigint): Promise<void> {
  await advancePast(fx, (await roundInfo(fx, training, round)).revealDeadline)
}

/** keccak256(abi.encode(training, round, attempt, validator, scores, salt)), as `commitScores` expects. */
export function scoreCommitment(training: Address, round: bigint, attempt: number, validator: Address, scores: readonly number[], salt: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'uint16[]' }, { type: 'bytes32' }],
    [training, round, attempt, validator, scores, salt],
  ))
}

/** keccak256(abi.encode(training, round, attempt, trainer, digest, codec, examples, salt)), as `commitUpdate` expects. */
export function updateCommitment(training: Address, round: bigint, attempt: number, trainer: Address, digest: Hex, codec: number, examples: number, salt: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'bytes32' }, { type: 'uint8' }, { type: 'uint32' }, { type: 'bytes32' }],
    [training, round, attempt, trainer, digest, codec, examples, salt],
  ))
}

/** A salt per validator and round (tests need no secrecy). */
export function saltOf(round: bigint, validator: Address): Hex {
  return bytes32Of(`score salt ${round} ${validator}`)
}

/** A salt per trainer and round (tests need no secrecy). */
export function updateSaltOf(round: bigint, trainer: Address): Hex {
  return bytes32Of(`update salt ${round} ${trainer}`)
}

async function attemptOf(fx: ProtocolFixture, training: Training, round: bigint): Promise<number> {
  return (await roundInfo(fx, training, round)).attempt
}

/** The owner `key` works for in the training's pool for `role`. */
async function ownerOf(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, role: RoleName): Promise<Address> {
  const taskId = await fx.ledger.client.readContract({ ...training, functionName: 'taskId' })
  const owner = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'ownerOfOperator', args: [taskId, roleId(role), key.address] })
  return owner === '0x0000000000000000000000000000000000000000' ? key.address : owner
}

/**
 * Commits to an update (by digest) for `key`'s owner; `toScoring` (or `revealPendingUpdates`)
 * reveals it after the training phase.
 */
export async function submitUpdate(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, digest: Hex, examples = 100, codec: number = CODEC.raw): Promise<TransactionReceipt> {
  const owner = await ownerOf(fx, training, key, 'trainer')
  const salt = updateSaltOf(round, owner)
  const attempt = await attemptOf(fx, training, round)
  const commitment = updateCommitment(training.address, round, attempt, owner, digest, codec, examples, salt)
  const receipt = await commitUpdate(fx, training, key, round, commitment)
  const k = pendingKey(training, round)
  pendingUpdates.set(k, [...(pendingUpdates.get(k) ?? []), { key, owner, attempt, digest, codec, examples, salt }])
  return receipt
}

/** Sends an update commitment as given. */
export function commitUpdate(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, commitment: Hex): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, key, { ...training, functionName: 'commitUpdate', args: [round, commitment] })
}

/** Sends an update reveal as given (the salt defaults to the one `submitUpdate` uses). */
export async function revealUpdate(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, digest: Hex, examples = 100, codec: number = CODEC.raw, salt?: Hex): Promise<TransactionReceipt> {
  const s = salt ?? updateSaltOf(round, await ownerOf(fx, training, key, 'trainer'))
  return writeContract(fx.ledger, key, { ...training, functionName: 'revealUpdate', args: [round, digest, codec, examples, s] })
}

export async function commitScores(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, validator: Address, scores: readonly number[]): Promise<TransactionReceipt> {
  const commitment = scoreCommitment(training.address, round, await attemptOf(fx, training, round), validator, scores, saltOf(round, validator))
  return writeContract(fx.ledger, key, { ...training, functionName: 'commitScores', args: [round, commitment] })
}

export function revealScores(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, validator: Address, scores: readonly number[]): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, key, { ...training, functionName: 'revealScores', args: [round, scores, saltOf(round, validator)] })
}

export function settleRound(fx: ProtocolFixture, training: Training, caller: PrivateKeyAccount, round: bigint): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, caller, { ...training, functionName: 'settle', args: [round] })
}

export function postModel(fx: ProtocolFixture, training: Training, key: PrivateKeyAccount, round: bigint, digest: Hex, codec: number = CODEC.raw): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, key, { ...training, functionName: 'postModel', args: [round, digest, codec] })
}

/**
 * The update commitments of a round's latest opening and what each revealed, read back from the
 * chain's logs: the UpdateCommitted and UpdateRevealed events after the round's last RoundOpened.
 */
export async function readSubmissions(fx: ProtocolFixture, training: Training, round: bigint): Promise<Submission[]> {
  const opened = await fx.ledger.client.getContractEvents({ ...training, eventName: 'RoundOpened', args: { round }, fromBlock: 0n, strict: true })
  const last = opened.at(-1)
  if (last === undefined) return []
  const after = (e: { blockNumber: bigint; logIndex: number }) => e.blockNumber > last.blockNumber || (e.blockNumber === last.blockNumber && e.logIndex > last.logIndex)
  const commits = await fx.ledger.client.getContractEvents({ ...training, eventName: 'UpdateCommitted', args: { round }, fromBlock: last.blockNumber, strict: true })
  const reveals = await fx.ledger.client.getContractEvents({ ...training, eventName: 'UpdateRevealed', args: { round }, fromBlock: last.blockNumber, strict: true })
  const revealed = new Map(reveals.filter(after).map((e) => [e.args.index, e.args]))
  return commits
    .filter(after)
    .sort((a, b) => Number(a.args.index - b.args.index))
    .map((e) => {
      const r = revealed.get(e.args.index)
      return { trainer: e.args.trainer, revealed: r !== undefined, digest: r?.digest ?? zeroHash, codec: r?.codec ?? 0, examples: r?.examples ?? 0 }
    })
}

/** What one validator does in a round: its key, the owner it works for, and its scores. */
export type ValidatorPlan = { key: PrivateKeyAccount; owner?: Address; scores: readonly number[]; reveal?: boolean }

/**
 * Plays the scoring of a round after its training phase: every validator commits, the scoring
 * phase ends, those that reveal (the default) reveal, and the reveal phase ends.
 */
export async function scoreRound(fx: ProtocolFixture, training: Training, round: bigint, plans: readonly ValidatorPlan[]): Promise<void> {
  await toScoring(fx, training, round)
  for (const p of plans) await commitScores(fx, training, p.key, round, p.owner ?? p.key.address, p.scores)
  await toReveal(fx, training, round)
  for (const p of plans) {
    if (p.reveal ?? true) await revealScores(fx, training, p.key, round, p.owner ?? p.key.address, p.scores)
  }
  await toSettlement(fx, training, round)
}

/** Decoded logs of a training clone's receipt. */
export function trainingEvents(receipt: TransactionReceipt) {
  return parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs })
}

/** Decoded StakeManager logs of a receipt (Slashed, RewardCredited...). */
export function stakeEvents(fx: ProtocolFixture, receipt: TransactionReceipt) {
  return parseEventLogs({ abi: fx.stakeManager.abi, logs: receipt.logs })
}

/** Approves the StakeManager for everything (lets tests stake repeatedly). */
export async function approveStakes(fx: ProtocolFixture, owner: PrivateKeyAccount): Promise<void> {
  await writeContract(fx.ledger, owner, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
}
