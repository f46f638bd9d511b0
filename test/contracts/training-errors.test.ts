import { writeByName, readByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { zeroAddress, zeroHash } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { trainingFactoryAbi, trainingFactoryBytecode } from '../../src/ledger/contracts/generated/TrainingFactory.js'
import { trainingRoundsAbi, trainingRoundsBytecode } from '../../src/ledger/contracts/generated/TrainingRounds.js'
import { trainingSettlementAbi, trainingSettlementBytecode } from '../../src/ledger/contracts/generated/TrainingSettlement.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { deployContract } from '../helpers/mock-contracts.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, declaredErrors, simulateDeploy } from '../helpers/reverts.js'
import { advancePast, bytes32Of, proposeWithSecret } from '../helpers/task-flow.js'
import {
  AGGREGATION,
  AGGREGATOR,
  CONSENSUS,
  CODEC,
  VALIDATOR,
  TRAINER,
  commitScores,
  commitUpdate,
  createTraining,
  digestOf,
  factoryOf,
  modelInfo,
  openTask,
  postModel,
  readSubmissions,
  revealPendingUpdates,
  revealScores,
  revealUpdate,
  roundInfo,
  saltOf,
  scoreCommitment,
  settleRound,
  setUpTraining,
  stakeAs,
  stakeVerifiers,
  submitUpdate,
  toReveal,
  toScoring,
  toSettlement,
  toUpdateReveal,
  trainingConfig,
  trainingEvents,
  trainingTestAbi,
  updateCommitment,
  updateSaltOf,
} from '../helpers/training-flow.js'
import type { Training, TrainingConfig } from '../helpers/training-flow.js'

/**
 * Every custom error TrainingRounds and TrainingFactory declare, raised by a named test, with the
 * access and pause checks; the checklists at the end fail when an error has no test.
 */

const E = 10n ** 18n
const log = createRevertLog()

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregators: PrivateKeyAccount[]
let outsider: PrivateKeyAccount
let operator: PrivateKeyAccount
let tasks = 0

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 28, params: { tasks: { committeeSize: 3 }, operatorDelay: 60n }, devAdmin: true })
  proposer = accountAt(fx, 1)
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  trainers = [5, 6, 7, 8].map((i) => accountAt(fx, i))
  validators = [9, 10, 11, 12, 13, 14, 15, 16, 17].map((i) => accountAt(fx, i))
  aggregators = [18, 19].map((i) => accountAt(fx, i))
  outsider = accountAt(fx, 20)
  operator = accountAt(fx, 21)
  await stakeVerifiers(fx, verifiers)
})

/**
 * A fresh open task where trainers stake 100, validators 500, 300, 200, then 100 each, and
 * aggregators 100, then its training (so every stake counts from round 1).
 */
function setUp(config: TrainingConfig = trainingConfig(), validatorCount = 3): Promise<{ taskId: bigint; training: Training }> {
  const cast = { fx, proposer, verifiers, trainers, validators: validators.slice(0, validatorCount), aggregators }
  return setUpTraining(cast, { config, label: `errors ${tasks++}` })
}

/** The round's current opening. */
async function attemptOf(training: Training, round: bigint): Promise<number> {
  return (await roundInfo(fx, training, round)).attempt
}

/** Sends a training transaction as `account`. */
function send(training: Training, account: PrivateKeyAccount, functionName: string, args: readonly unknown[]) {
  return writeByName(fx.ledger, account, training, functionName, args)
}

/** One settled round 1 with two accepted updates, ready for postModel. */
async function settledRound(config: TrainingConfig = trainingConfig()): Promise<{ taskId: bigint; training: Training }> {
  const setup = await setUp(config)
  const { training } = setup
  await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
  await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('b'))
  await toScoring(fx, training, 1n)
  for (const v of validators.slice(0, 3)) await commitScores(fx, training, v, 1n, v.address, [8000, 8000])
  await toReveal(fx, training, 1n)
  for (const v of validators.slice(0, 3)) await revealScores(fx, training, v, 1n, v.address, [8000, 8000])
  await toSettlement(fx, training, 1n)
  await settleRound(fx, training, proposer, 1n)
  return setup
}

describe('construction', () => {
  test('constructors reject zero addresses and a settlement module or implementation built for other contracts', async () => {
    const { stakeManager, taskRegistry } = fx.protocol.deployment.contracts
    const deploy = (abi: typeof trainingSettlementAbi | typeof trainingRoundsAbi | typeof trainingFactoryAbi, bytecode: Hex, args: readonly unknown[]) =>
      simulateDeploy(fx.ledger, fx.deployer, { abi: [...abi, ...trainingTestAbi], bytecode, args })
    await log.expectRevert(deploy(trainingSettlementAbi, trainingSettlementBytecode, [stakeManager, zeroAddress]), 'ZeroAddress')
    const settlement = await fx.ledger.client.readContract({ address: await fx.ledger.client.readContract({ ...factoryOf(fx), functionName: 'implementation' }), abi: trainingRoundsAbi, functionName: 'settlement' })
    await log.expectRevert(deploy(trainingRoundsAbi, trainingRoundsBytecode, [stakeManager, taskRegistry, zeroAddress]), 'ZeroAddress')
    // A module made for another registry does not match.
    const foreign = await deployContract(fx.ledger, fx.deployer, { abi: trainingSettlementAbi, bytecode: trainingSettlementBytecode }, [stakeManager, outsider.address])
    await log.expectRevert(deploy(trainingRoundsAbi, trainingRoundsBytecode, [stakeManager, taskRegistry, foreign]), 'ModuleMismatch')
    await deploy(trainingRoundsAbi, trainingRoundsBytecode, [stakeManager, taskRegistry, settlement])

    const implementation = await fx.ledger.client.readContract({ ...factoryOf(fx), functionName: 'implementation' })
    const factoryDeploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, fx.deployer, { abi: factoryOf(fx).abi, bytecode: trainingFactoryBytecode, args })
    await log.expectRevert(factoryDeploy([zeroAddress, stakeManager, implementation, fx.deployer.address]), 'ZeroAddress')
    await log.expectRevert(factoryDeploy([taskRegistry, stakeManager, implementation, zeroAddress]), 'ZeroAddress')
    const otherModule = await deployContract(fx.ledger, fx.deployer, { abi: trainingSettlementAbi, bytecode: trainingSettlementBytecode }, [stakeManager, outsider.address])
    const otherImplementation = await deployContract(fx.ledger, fx.deployer, { abi: trainingRoundsAbi, bytecode: trainingRoundsBytecode }, [stakeManager, outsider.address, otherModule])
    await log.expectRevert(factoryDeploy([taskRegistry, stakeManager, otherImplementation, fx.deployer.address]), 'ImplementationMismatch')
    await factoryDeploy([taskRegistry, stakeManager, implementation, fx.deployer.address])
  })

  test('initialize runs once per clone and never on the implementation', async () => {
    const { taskId, training } = await setUp()
    const implementation = await fx.ledger.client.readContract({ ...factoryOf(fx), functionName: 'implementation' })
    const args = [taskId, outsider.address, trainingConfig(), digestOf('x'), CODEC.raw, 0n]
    await log.expectRevert(send({ address: implementation, abi: trainingTestAbi }, outsider, 'initialize', args), 'InvalidInitialization')
    await log.expectRevert(send(training, outsider, 'initialize', args), 'InvalidInitialization')
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'proposer' })).toBe(proposer.address)
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'factory' })).toBe(factoryOf(fx).address)
  })

  test('the settlement module called directly has no open round and does nothing', async () => {
    const implementation = await fx.ledger.client.readContract({ ...factoryOf(fx), functionName: 'implementation' })
    const settlement = await fx.ledger.client.readContract({ address: implementation, abi: trainingRoundsAbi, functionName: 'settlement' })
    const module = { address: settlement, abi: trainingTestAbi }
    expect(await log.expectRevert(send(module, outsider, 'settle', [0n]), 'RoundNotOpen')).toEqual([0n, 0])
    expect(await log.expectRevert(send(module, outsider, 'settle', [1n]), 'WrongRound')).toEqual([1n, 0n])
  })
})

describe('createTraining', () => {
  test('createTraining checks the config field by field (the validator set and the schedule included)', async () => {
    const taskId = await openTask(fx, proposer, verifiers, { label: `errors ${tasks++}` })
    const factory = factoryOf(fx)
    const create = (overrides: Partial<TrainingConfig>, digest: Hex = digestOf('initial')) =>
      writeContract(fx.ledger, proposer, { ...factory, functionName: 'createTraining', args: [taskId, trainingConfig(overrides), digest, CODEC.raw] })
    const year = 365n * 24n * 3600n
    const day = 24n * 3600n
    const cases: [Partial<TrainingConfig>, string][] = [
      [{ rounds: 0 }, 'rounds'],
      [{ trainPeriod: 0n }, 'trainPeriod'],
      [{ trainPeriod: year + 1n }, 'trainPeriod'],
      [{ updateRevealPeriod: 0n }, 'updateRevealPeriod'],
      [{ updateRevealPeriod: year + 1n }, 'updateRevealPeriod'],
      [{ scorePeriod: 0n }, 'scorePeriod'],
      [{ scorePeriod: year + 1n }, 'scorePeriod'],
      [{ revealPeriod: 0n }, 'revealPeriod'],
      [{ revealPeriod: year + 1n }, 'revealPeriod'],
      [{ settlePeriod: 0n }, 'settlePeriod'],
      [{ settlePeriod: year + 1n }, 'settlePeriod'],
      [{ disputePeriod: 0n }, 'disputePeriod'],
      [{ disputePeriod: 3601n }, 'disputePeriod'],
      [{ emissionPerRound: 0n }, 'emissionPerRound'],
      [{ trainerShareBps: 10_001 }, 'trainerShareBps'],
      [{ acceptFloorBps: 10_001 }, 'acceptFloorBps'],
      [{ acceptRelativeBps: 10_001 }, 'acceptRelativeBps'],
      [{ deviationBoundBps: 10_001 }, 'deviationBoundBps'],
      [{ slashTrainerBps: 10_001 }, 'slashTrainerBps'],
      [{ slashValidatorBps: 10_001 }, 'slashValidatorBps'],
      [{ slashAggregatorBps: 10_001 }, 'slashAggregatorBps'],
      [{ maxUpdates: 0 }, 'maxUpdates'],
      [{ maxUpdates: 257 }, 'maxUpdates'],
      [{ consensus: CONSENSUS.yuma, maxUpdates: 65 }, 'maxUpdates'],
      [{ maxValidators: 0 }, 'maxValidators'],
      [{ maxUpdates: 1, maxValidators: 65 }, 'maxValidators'],
      // 256 x 17 = 4,352 scores; under Yuma 64 x 17 = 1,088 cells.
      [{ maxUpdates: 256, maxValidators: 17 }, 'maxValidators'],
      [{ consensus: CONSENSUS.yuma, maxUpdates: 64, maxValidators: 17 }, 'maxValidators'],
      [{ aggregation: AGGREGATION.trimmedMean, aggregationParam: 5000 }, 'aggregationParam'],
      [{ aggregation: AGGREGATION.krum, aggregationParam: 11 }, 'aggregationParam'],
      [{ aggregation: AGGREGATION.multiKrum, aggregationParam: 11 }, 'aggregationParam'],
      [{ aggregation: AGGREGATION.bulyan, aggregationParam: 2 }, 'aggregationParam'],
      // The task expires in 30 days: two rounds of 15 days of training (plus 4 hours) do not fit.
      [{ trainPeriod: 15n * day }, 'schedule'],
    ]
    for (const [overrides, field] of cases) {
      expect(await log.expectRevert(create(overrides), 'InvalidConfig'), `${field} ${JSON.stringify(overrides, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`).toEqual([field])
    }
    await log.expectRevert(create({}, zeroHash), 'ZeroDigest')
    // The edges themselves are fine: 256 x 16 scores, every period a year, on a task that lasts
    // the two rounds (10 years); Yuma 64 x 16 cells on another.
    const longTask = await openTask(fx, proposer, verifiers, { label: `errors ${tasks++}`, expiresAt: (await fx.ledger.clock.now()) + 10n * year + day })
    const { training } = await createTraining(fx, proposer, longTask, trainingConfig({
      trainPeriod: year, updateRevealPeriod: year, scorePeriod: year, revealPeriod: year, settlePeriod: year, disputePeriod: year,
      maxUpdates: 256, maxValidators: 16, trainerShareBps: 10_000, aggregation: AGGREGATION.bulyan, aggregationParam: 63,
    }))
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'config' })).toMatchObject({ maxUpdates: 256, maxValidators: 16, settlePeriod: year })
    const yuma = await createTraining(fx, proposer, taskId, trainingConfig({ consensus: CONSENSUS.yuma, maxUpdates: 64, maxValidators: 16 }))
    expect((await fx.ledger.client.readContract({ ...yuma.training, functionName: 'config' })).maxValidators).toBe(16)
  })

  test('the schedule must fit before the task expires', async () => {
    const taskId = await openTask(fx, proposer, verifiers, { label: `errors ${tasks++}` })
    const { expiresAt } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    const factory = factoryOf(fx)
    // One round created in the next block (one second after the latest): its train + update
    // reveal + score + reveal phases and its settle period end one second after expiry.
    const next = (await fx.ledger.clock.now()) + 1n
    const settlePeriod = trainingConfig().settlePeriod
    const tooLong = trainingConfig({ rounds: 1, trainPeriod: expiresAt - next - 3n * 3600n - settlePeriod + 1n })
    expect(await log.expectRevert(writeContract(fx.ledger, proposer, { ...factory, functionName: 'createTraining', args: [taskId, tooLong, digestOf('initial'), CODEC.raw] }), 'InvalidConfig')).toEqual(['schedule'])
    const { training } = await createTraining(fx, proposer, taskId, { ...tooLong, trainPeriod: tooLong.trainPeriod - 1n })
    expect((await roundInfo(fx, training, 1n)).revealDeadline + settlePeriod).toBe(expiresAt)
  })

  test('createTraining is for the proposer of an open task, once, within the budget', async () => {
    const factory = factoryOf(fx)
    const create = (who: PrivateKeyAccount, taskId: bigint, config = trainingConfig()) =>
      writeContract(fx.ledger, who, { ...factory, functionName: 'createTraining', args: [taskId, config, digestOf('initial'), CODEC.raw] })
    const taskId = await openTask(fx, proposer, verifiers, { label: `errors ${tasks++}` })
    expect(await log.expectRevert(create(outsider, taskId), 'NotProposer')).toEqual([outsider.address, proposer.address])
    await log.expectRevert(create(proposer, 999n), 'UnknownTask')
    // The task keeps 10,000 - 10 (fee) DEAI: 10 rounds of 1,000 is too much.
    expect(await log.expectRevert(create(proposer, taskId, trainingConfig({ rounds: 10 })), 'InsufficientBudget')).toEqual([10_000n * E, 9_990n * E])
    const { training } = await createTraining(fx, proposer, taskId, trainingConfig())
    expect(await log.expectRevert(create(proposer, taskId), 'TrainingExists')).toEqual([taskId, training.address])
    expect(await fx.ledger.client.readContract({ ...factory, functionName: 'trainingOf', args: [taskId] })).toBe(training.address)
    // A task still being proposed is not open.
    const proposed = await proposeWithSecret(fx, proposer, { secret: bytes32Of(`proposed ${tasks++}`) })
    expect(await log.expectRevert(create(proposer, proposed), 'TaskNotOpen')).toEqual([proposed, 1])
  })

  test('the factory pause stops new trainings; pausing and roles are the admin\'s', async () => {
    const factory = factoryOf(fx)
    const admin = fx.deployer
    const role = await fx.ledger.client.readContract({ ...factory, functionName: 'PAUSER_ROLE' })
    const adminRole = await fx.ledger.client.readContract({ ...factory, functionName: 'DEFAULT_ADMIN_ROLE' })
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...factory, functionName: 'pause', args: [] }), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, role])
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...factory, functionName: 'grantRole', args: [role, outsider.address] }), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, adminRole])
    await log.expectRevert(writeContract(fx.ledger, admin, { ...factory, functionName: 'renounceRole', args: [role, outsider.address] }), 'AccessControlBadConfirmation')
    await log.expectRevert(writeContract(fx.ledger, admin, { ...factory, functionName: 'unpause', args: [] }), 'ExpectedPause')
    const taskId = await openTask(fx, proposer, verifiers, { label: `errors ${tasks++}` })
    await writeContract(fx.ledger, admin, { ...factory, functionName: 'pause', args: [] })
    await log.expectRevert(writeContract(fx.ledger, admin, { ...factory, functionName: 'pause', args: [] }), 'EnforcedPause')
    await log.expectRevert(writeContract(fx.ledger, proposer, { ...factory, functionName: 'createTraining', args: [taskId, trainingConfig(), digestOf('i'), CODEC.raw] }), 'EnforcedPause')
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...factory, functionName: 'unpause', args: [] }), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, role])
    await writeContract(fx.ledger, admin, { ...factory, functionName: 'unpause', args: [] })
    await createTraining(fx, proposer, taskId, trainingConfig())
  })
})

describe('update commitments and reveals', () => {
  test('commitUpdate needs the current round, its training window, a commitment, a staked trainer, one commitment each and room', async () => {
    const { taskId, training } = await setUp(trainingConfig({ maxUpdates: 2, minTrainerStake: 50n * E }))
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[0]!, 2n, digestOf('a')), 'WrongRound')).toEqual([2n, 1n])
    await log.expectRevert(commitUpdate(fx, training, trainers[0]!, 1n, zeroHash), 'ZeroDigest')
    expect(await log.expectRevert(submitUpdate(fx, training, outsider, 1n, digestOf('a')), 'NotStaked')).toEqual([TRAINER, outsider.address, 0n, 50n * E])
    await stakeAs(fx, outsider, taskId, 'trainer', 20n * E)
    expect(await log.expectRevert(submitUpdate(fx, training, outsider, 1n, digestOf('a')), 'NotStaked')).toEqual([TRAINER, outsider.address, 20n * E, 50n * E])
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[0]!, 1n, digestOf('b')), 'AlreadySubmitted')).toEqual([trainers[0]!.address])
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('b'))
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[2]!, 1n, digestOf('c')), 'RoundFull')).toEqual([2n])
    const { trainDeadline } = await roundInfo(fx, training, 1n)
    await advancePast(fx, trainDeadline)
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[3]!, 1n, digestOf('d')), 'SubmissionsClosed')).toEqual([trainDeadline])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasSubmitted', args: [1n, trainers[0]!.address] })).toBe(true)
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasSubmitted', args: [1n, trainers[2]!.address] })).toBe(false)
    // Nothing about an update is visible before its reveal.
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'submission', args: [1n, 0n] })).toEqual({ trainer: trainers[0]!.address, revealed: false, digest: zeroHash, codec: 0, examples: 0 })
    expect(await readSubmissions(fx, training, 1n)).toEqual([trainers[0]!, trainers[1]!].map((t) => ({ trainer: t.address, revealed: false, digest: zeroHash, codec: 0, examples: 0 })))
  })

  test('revealUpdate needs the update reveal window, a commitment in this opening, a digest and the committed values', async () => {
    const { training } = await setUp()
    const [t1, t2, t3] = trainers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const attempt = await attemptOf(training, 1n)
    const salt = updateSaltOf(1n, t1.address)
    const commit = (t: PrivateKeyAccount, digest: Hex) => commitUpdate(fx, training, t, 1n, updateCommitment(training.address, 1n, attempt, t.address, digest, CODEC.dagPb, 7, updateSaltOf(1n, t.address)))
    await commit(t1, digestOf('a'))
    await commit(t2, zeroHash) // a commitment to no update: it can never be revealed
    const { trainDeadline, updateRevealDeadline } = await roundInfo(fx, training, 1n)
    expect(await log.expectRevert(revealUpdate(fx, training, t1, 1n, digestOf('a'), 7, CODEC.dagPb, salt), 'UpdateRevealNotOpen')).toEqual([trainDeadline])
    await toUpdateReveal(fx, training, 1n)
    expect(await log.expectRevert(revealUpdate(fx, training, t3, 1n, digestOf('a'), 7, CODEC.dagPb), 'NoUpdateCommitment')).toEqual([t3.address])
    expect(await log.expectRevert(revealUpdate(fx, training, outsider, 1n, digestOf('a'), 7, CODEC.dagPb), 'NoUpdateCommitment')).toEqual([outsider.address])
    // Every committed value counts: digest, codec, examples and salt.
    const wrong: [Hex, number, number, Hex][] = [
      [digestOf('b'), CODEC.dagPb, 7, salt],
      [digestOf('a'), CODEC.raw, 7, salt],
      [digestOf('a'), CODEC.dagPb, 8, salt],
      [digestOf('a'), CODEC.dagPb, 7, updateSaltOf(1n, t2.address)],
    ]
    for (const [digest, codec, examples, s] of wrong) await log.expectRevert(revealUpdate(fx, training, t1, 1n, digest, examples, codec, s), 'CommitmentMismatch')
    await log.expectRevert(revealUpdate(fx, training, t2, 1n, zeroHash, 7, CODEC.dagPb), 'ZeroDigest')
    const receipt = await revealUpdate(fx, training, t1, 1n, digestOf('a'), 7, CODEC.dagPb, salt)
    expect(receipt.status).toBe('success')
    expect(await log.expectRevert(revealUpdate(fx, training, t1, 1n, digestOf('a'), 7, CODEC.dagPb, salt), 'UpdateAlreadyRevealed')).toEqual([t1.address])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasRevealedUpdate', args: [1n, t1.address] })).toBe(true)
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasRevealedUpdate', args: [1n, t2.address] })).toBe(false)
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'submission', args: [1n, 0n] })).toEqual({ trainer: t1.address, revealed: true, digest: digestOf('a'), codec: CODEC.dagPb, examples: 7 })
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'updateCommitment', args: [1n, t1.address, digestOf('a'), CODEC.dagPb, 7, salt] }))
      .toBe(updateCommitment(training.address, 1n, attempt, t1.address, digestOf('a'), CODEC.dagPb, 7, salt))
    expect((await roundInfo(fx, training, 1n))).toMatchObject({ submissions: 2, revealed: 1 })
    await advancePast(fx, updateRevealDeadline)
    expect(await log.expectRevert(revealUpdate(fx, training, t2, 1n, digestOf('late'), 7, CODEC.dagPb), 'UpdateRevealClosed')).toEqual([updateRevealDeadline])
  })

  test('operator keys act for their owners, and an owner that named another key no longer acts itself', async () => {
    const { taskId, training } = await setUp()
    // The key accepts to work for the owner; the change takes effect after the operator delay.
    await writeContract(fx.ledger, trainers[0]!, { ...fx.stakeManager, functionName: 'setOperator', args: [taskId, TRAINER, operator.address] })
    await writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'acceptOperator', args: [taskId, TRAINER, trainers[0]!.address] })
    await fx.ledger.clock.advance(60n)
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a')), 'NotStaked')).toEqual([TRAINER, zeroAddress, 0n, 10n * E])
    const receipt = await submitUpdate(fx, training, operator, 1n, digestOf('a'))
    expect(receipt.status).toBe('success')
    // The same key works as a validator's operator in the validator pool.
    await writeContract(fx.ledger, validators[0]!, { ...fx.stakeManager, functionName: 'setOperator', args: [taskId, VALIDATOR, operator.address] })
    await writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'acceptOperator', args: [taskId, VALIDATOR, validators[0]!.address] })
    await fx.ledger.clock.advance(60n)
    // The operator reveals the update for its owner.
    await toScoring(fx, training, 1n)
    expect(await readSubmissions(fx, training, 1n)).toEqual([{ trainer: trainers[0]!.address, revealed: true, digest: digestOf('a'), codec: CODEC.raw, examples: 100 }])
    await commitScores(fx, training, operator, 1n, validators[0]!.address, [7000])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasCommitted', args: [1n, validators[0]!.address] })).toBe(true)
    await toReveal(fx, training, 1n)
    await revealScores(fx, training, operator, 1n, validators[0]!.address, [7000])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'revealedScores', args: [1n, validators[0]!.address] })).toEqual([7000])
  })
})

describe('scores', () => {
  test('commitScores needs the scoring window, a revealed update, a validator staked before the round opened and one commitment each', async () => {
    // Nothing committed, or committed and never revealed: nothing to score.
    const { training } = await setUp(trainingConfig(), 1)
    await toScoring(fx, training, 1n)
    await log.expectRevert(commitScores(fx, training, validators[0]!, 1n, validators[0]!.address, []), 'NothingToScore')
    const silent = await setUp(trainingConfig(), 1)
    await commitUpdate(fx, silent.training, trainers[0]!, 1n, digestOf('never revealed'))
    await toScoring(fx, silent.training, 1n)
    await log.expectRevert(commitScores(fx, silent.training, validators[0]!, 1n, validators[0]!.address, [1]), 'NothingToScore')

    const other = await setUp(trainingConfig({ maxUpdates: 256 }), 3)
    await submitUpdate(fx, other.training, trainers[0]!, 1n, digestOf('a'))
    const { updateRevealDeadline, scoreDeadline } = await roundInfo(fx, other.training, 1n)
    // Scores commit after the updates are revealed.
    await toUpdateReveal(fx, other.training, 1n)
    await revealPendingUpdates(fx, other.training, 1n)
    expect(await log.expectRevert(commitScores(fx, other.training, validators[0]!, 1n, validators[0]!.address, [1]), 'CommitNotOpen')).toEqual([updateRevealDeadline])
    await toScoring(fx, other.training, 1n)
    expect(await log.expectRevert(commitScores(fx, other.training, outsider, 1n, outsider.address, [1]), 'NotStaked')).toEqual([VALIDATOR, outsider.address, 0n, 100n * E])
    // Stake added after the round opened does not count in it.
    await stakeAs(fx, outsider, other.taskId, 'validator', 1000n * E)
    expect(await log.expectRevert(commitScores(fx, other.training, outsider, 1n, outsider.address, [1]), 'NotStaked')).toEqual([VALIDATOR, outsider.address, 0n, 100n * E])
    for (const v of validators.slice(0, 2)) await commitScores(fx, other.training, v, 1n, v.address, [1])
    expect(await log.expectRevert(commitScores(fx, other.training, validators[0]!, 1n, validators[0]!.address, [1]), 'AlreadyCommitted')).toEqual([validators[0]!.address])
    expect(await fx.ledger.client.readContract({ ...other.training, functionName: 'committers', args: [1n] })).toEqual(validators.slice(0, 2).map((v) => v.address))
    await advancePast(fx, scoreDeadline)
    expect(await log.expectRevert(commitScores(fx, other.training, validators[2]!, 1n, validators[2]!.address, [1]), 'CommitClosed')).toEqual([scoreDeadline])
  })

  test('a full validator set refuses a committer that does not outweigh its lightest member (ties: the earlier stays)', async () => {
    // Validators stake 500, 300, 200, 100, 100, 100; the set holds 2.
    const { training } = await setUp(trainingConfig({ maxValidators: 2 }), 6)
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await toScoring(fx, training, 1n)
    const [v1, v2, v3, v4, v5, v6] = validators as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    await commitScores(fx, training, v4, 1n, v4.address, [1])
    await commitScores(fx, training, v5, 1n, v5.address, [1])
    // 100 against a lightest member of 100: the earlier committers stay.
    expect(await log.expectRevert(commitScores(fx, training, v6, 1n, v6.address, [1]), 'ValidatorSetFull')).toEqual([100n * E])
    await commitScores(fx, training, v3, 1n, v3.address, [1]) // 200 evicts V5, the later of the two at 100
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'committers', args: [1n] })).toEqual([v4.address, v3.address])
    expect(await log.expectRevert(commitScores(fx, training, v6, 1n, v6.address, [1]), 'ValidatorSetFull')).toEqual([100n * E])
    await commitScores(fx, training, v2, 1n, v2.address, [1]) // 300 evicts V4
    await commitScores(fx, training, v1, 1n, v1.address, [1]) // 500 evicts V3
    expect(await log.expectRevert(commitScores(fx, training, v5, 1n, v5.address, [1]), 'ValidatorSetFull')).toEqual([300n * E])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'committers', args: [1n] })).toEqual([v2.address, v1.address])
  })

  test('Yuma: judged trainers take uids at settlement, and a newcomer takes the uid of a holder not judged in its round', async () => {
    const { training } = await setUp(trainingConfig({ consensus: CONSENSUS.yuma, maxUpdates: 2, rounds: 2 }))
    const read = <T>(functionName: string, args: readonly unknown[] = []) =>
      readByName<T>(fx.ledger, training, functionName, args)
    const [t1, t2, t3] = trainers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const play = async (round: bigint, keys: readonly PrivateKeyAccount[]) => {
      for (const [i, k] of keys.entries()) await submitUpdate(fx, training, k, round, digestOf(`yuma ${round} ${i}`))
      await toScoring(fx, training, round)
      expect(await read<bigint>('yumaUids'), 'no uid before the round is judged').toBe(round === 1n ? 0n : 2n)
      for (const v of validators.slice(0, 3)) await commitScores(fx, training, v, round, v.address, keys.map(() => 9000))
      await toReveal(fx, training, round)
      for (const v of validators.slice(0, 3)) await revealScores(fx, training, v, round, v.address, keys.map(() => 9000))
      await toSettlement(fx, training, round)
      const receipt = await settleRound(fx, training, proposer, round)
      return trainingEvents(receipt).flatMap((e) => (e.eventName === 'TrainerUidAssigned' ? [e.args] : []))
    }
    // Round 1: T1 and T2 take the two slots when the round is judged, in commitment order.
    expect(await play(1n, [t1, t2])).toEqual([
      { round: 1n, uid: 0n, trainer: t1.address, replaced: zeroAddress },
      { round: 1n, uid: 1n, trainer: t2.address, replaced: zeroAddress },
    ])
    expect(await read<[boolean, bigint]>('trainerUid', [t2.address])).toEqual([true, 1n])
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('yuma model 1'))
    // Round 2: T2 again and a newcomer, T3. Every slot is held; T2's is busy (judged this round),
    // so T3 takes T1's (immune, but the only one left), and T1 loses it.
    expect(await play(2n, [t2, t3])).toEqual([{ round: 2n, uid: 0n, trainer: t3.address, replaced: t1.address }])
    expect(await read<bigint>('yumaUids')).toBe(2n)
    expect(await read<[boolean, bigint]>('trainerUid', [t1.address])).toEqual([false, 0n])
    expect(await read<[boolean, bigint]>('trainerUid', [t3.address])).toEqual([true, 0n])
    const [holder, registered, score] = await read<[Address, bigint, number]>('uidInfo', [0n])
    expect([holder, registered]).toEqual([t3.address, 2n])
    expect(score).toBeGreaterThan(0)
    expect(await read<[Address, bigint, number]>('uidInfo', [2n])).toEqual([zeroAddress, 0n, 0])
  })

  test('revealScores needs the reveal window, a commitment, one score per update in range and the committed values', async () => {
    const { training } = await setUp()
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('b'))
    await toScoring(fx, training, 1n)
    const [v1, v2, v3] = validators as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    await commitScores(fx, training, v1, 1n, v1.address, [8000, 7000])
    await commitScores(fx, training, v2, 1n, v2.address, [8000, 10_001])
    const { scoreDeadline, revealDeadline } = await roundInfo(fx, training, 1n)
    expect(await log.expectRevert(revealScores(fx, training, v1, 1n, v1.address, [8000, 7000]), 'RevealNotOpen')).toEqual([scoreDeadline])
    await toReveal(fx, training, 1n)
    expect(await log.expectRevert(revealScores(fx, training, v3, 1n, v3.address, [8000, 7000]), 'NoCommitment')).toEqual([v3.address])
    expect(await log.expectRevert(revealScores(fx, training, v1, 1n, v1.address, [8000]), 'ScoreCountMismatch')).toEqual([1n, 2n])
    await log.expectRevert(revealScores(fx, training, v1, 1n, v1.address, [8000, 7001]), 'CommitmentMismatch')
    // Another validator's salt: the commitment binds the owner and the salt.
    await log.expectRevert(writeContract(fx.ledger, v1, { ...training, functionName: 'revealScores', args: [1n, [8000, 7000], saltOf(1n, v2.address)] }), 'CommitmentMismatch')
    expect(await log.expectRevert(revealScores(fx, training, v2, 1n, v2.address, [8000, 10_001]), 'ScoreOutOfRange')).toEqual([1n, 10_001])
    await revealScores(fx, training, v1, 1n, v1.address, [8000, 7000])
    expect(await log.expectRevert(revealScores(fx, training, v1, 1n, v1.address, [8000, 7000]), 'AlreadyRevealed')).toEqual([v1.address])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'scoreCommitment', args: [1n, v1.address, [8000, 7000], saltOf(1n, v1.address)] }))
      .toBe(scoreCommitment(training.address, 1n, await attemptOf(training, 1n), v1.address, [8000, 7000], saltOf(1n, v1.address)))
    await advancePast(fx, revealDeadline)
    expect(await log.expectRevert(revealScores(fx, training, v2, 1n, v2.address, [8000, 10_000]), 'RevealClosed')).toEqual([revealDeadline])
  })

})

describe('settlement, models, disputes and the end', () => {
  test('settle needs the reveal phase over and an open round', async () => {
    const { training } = await setUp()
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('b'), 7, CODEC.dagPb)
    const { revealDeadline } = await roundInfo(fx, training, 1n)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 1n), 'RoundNotOver')).toEqual([revealDeadline])
    await toScoring(fx, training, 1n)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 1n), 'RoundNotOver')).toEqual([revealDeadline])
    await toSettlement(fx, training, 1n)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 2n), 'WrongRound')).toEqual([2n, 1n])
    await settleRound(fx, training, outsider, 1n)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 1n), 'RoundNotOpen')).toEqual([1n, 2])
  })

  test('postModel needs the round settled, a digest, a staked aggregator, and no model in place', async () => {
    const { training } = await setUp(trainingConfig({ minAggregatorStake: 50n * E }))
    expect(await log.expectRevert(postModel(fx, training, aggregators[0]!, 1n, digestOf('m')), 'RoundNotSettled')).toEqual([1n])
    const settled = await settledRound()
    await log.expectRevert(postModel(fx, settled.training, aggregators[0]!, 1n, zeroHash), 'ZeroDigest')
    expect(await log.expectRevert(postModel(fx, settled.training, outsider, 1n, digestOf('m')), 'NotStaked')).toEqual([AGGREGATOR, outsider.address, 0n, 100n * E])
    await postModel(fx, settled.training, aggregators[0]!, 1n, digestOf('m'))
    expect(await log.expectRevert(postModel(fx, settled.training, aggregators[1]!, 1n, digestOf('m2')), 'ModelAlreadyPosted')).toEqual([1n])
    expect(await log.expectRevert(postModel(fx, settled.training, aggregators[1]!, 2n, digestOf('m2')), 'RoundNotSettled')).toEqual([2n])
  })
  test('disputes need a posted model, its window, a staked validator other than the aggregator, and one vote each', async () => {
    const { taskId, training } = await settledRound()
    await log.expectRevert(writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'disputeModel', args: [1n] }), 'NoModel')
    await log.expectRevert(writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'voteDispute', args: [1n, true] }), 'NoDispute')
    await log.expectRevert(writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'resolveDispute', args: [1n] }), 'NoDispute')
    // An aggregator that is also a validator cannot dispute its own model.
    await stakeAs(fx, aggregators[0]!, taskId, 'validator', 100n * E)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('m'))
    await log.expectRevert(writeContract(fx.ledger, aggregators[0]!, { ...training, functionName: 'disputeModel', args: [1n] }), 'OwnModel')
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...training, functionName: 'disputeModel', args: [1n] }), 'NotStaked')).toEqual([VALIDATOR, outsider.address, 0n, 100n * E])
    await writeContract(fx.ledger, validators[2]!, { ...training, functionName: 'disputeModel', args: [1n] })
    await log.expectRevert(writeContract(fx.ledger, validators[1]!, { ...training, functionName: 'disputeModel', args: [1n] }), 'AlreadyDisputed')
    expect(await log.expectRevert(writeContract(fx.ledger, validators[2]!, { ...training, functionName: 'voteDispute', args: [1n, true] }), 'AlreadyVoted')).toEqual([validators[2]!.address])
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...training, functionName: 'voteDispute', args: [1n, true] }), 'NotStaked')).toEqual([VALIDATOR, outsider.address, 0n, 100n * E])
    await writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'voteDispute', args: [1n, false] })
    const { voteDeadline } = await modelInfo(fx, training, 1n)
    expect(await log.expectRevert(writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'resolveDispute', args: [1n] }), 'VoteNotOver')).toEqual([voteDeadline])
    await advancePast(fx, voteDeadline)
    expect(await log.expectRevert(writeContract(fx.ledger, validators[1]!, { ...training, functionName: 'voteDispute', args: [1n, false] }), 'VoteClosed')).toEqual([voteDeadline])
    await writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'resolveDispute', args: [1n] })
    // The model stood (500 for right against 200 for wrong): a resolved dispute is not reopened.
    expect((await modelInfo(fx, training, 1n)).status).toBe(1)
    await log.expectRevert(writeContract(fx.ledger, validators[1]!, { ...training, functionName: 'disputeModel', args: [1n] }), 'AlreadyDisputed')

    // A model can be disputed only within the dispute period after it was posted.
    const later = await settledRound()
    await postModel(fx, later.training, aggregators[0]!, 1n, digestOf('m'))
    const { postedAt } = await modelInfo(fx, later.training, 1n)
    await advancePast(fx, postedAt + trainingConfig().disputePeriod)
    expect(await log.expectRevert(writeContract(fx.ledger, validators[0]!, { ...later.training, functionName: 'disputeModel', args: [1n] }), 'DisputeWindowClosed')).toEqual([postedAt + trainingConfig().disputePeriod])
  })

  test('the next round cannot settle while the model it trained on is under dispute', async () => {
    const { training } = await settledRound()
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('m'))
    await writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'disputeModel', args: [1n] })
    await toSettlement(fx, training, 2n)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 2n), 'DisputeOpen')).toEqual([1n])
    await writeContract(fx.ledger, outsider, { ...training, functionName: 'resolveDispute', args: [1n] })
    // One vote for "wrong" and none for "right": the model is rejected and round 2 cancelled.
    expect((await roundInfo(fx, training, 2n)).status).toBe(3)
    expect(await log.expectRevert(settleRound(fx, training, outsider, 2n), 'RoundNotOpen')).toEqual([2n, 3])
  })

  test('finish waits for the end of the training, then closes everything', async () => {
    const { training } = await settledRound(trainingConfig({ rounds: 1 }))
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...training, functionName: 'finish', args: [] }), 'TrainingNotOver')
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('final'))
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...training, functionName: 'finish', args: [] }), 'TrainingNotOver')
    const { postedAt } = await modelInfo(fx, training, 1n)
    await advancePast(fx, postedAt + trainingConfig().disputePeriod)
    await writeContract(fx.ledger, outsider, { ...training, functionName: 'finish', args: [] })
    const after: [string, readonly unknown[]][] = [
      ['finish', []],
      ['postModel', [1n, digestOf('again'), CODEC.raw]],
      ['disputeModel', [1n]],
      ['voteDispute', [1n, true]],
      ['resolveDispute', [1n]],
    ]
    for (const [fn, args] of after) await log.expectRevert(send(training, validators[0]!, fn, args), 'AlreadyFinished')
    expect(await log.expectRevert(submitUpdate(fx, training, trainers[0]!, 1n, digestOf('late')), 'RoundNotOpen')).toEqual([1n, 2])
  })
})

test('checklist: every error TrainingRounds declares is raised by a test', () => {
  const commitUpdate = 'commitUpdate needs the current round, its training window, a commitment, a staked trainer, one commitment each and room'
  const revealUpdate = 'revealUpdate needs the update reveal window, a commitment in this opening, a digest and the committed values'
  const commitScores = 'commitScores needs the scoring window, a revealed update, a validator staked before the round opened and one commitment each'
  const revealScores = 'revealScores needs the reveal window, a commitment, one score per update in range and the committed values'
  const settle = 'settle needs the reveal phase over and an open round'
  const post = 'postModel needs the round settled, a digest, a staked aggregator, and no model in place'
  const disputes = 'disputes need a posted model, its window, a staked validator other than the aggregator, and one vote each'
  const finish = 'finish waits for the end of the training, then closes everything'
  assertErrorChecklist(trainingRoundsAbi, log, {
    covered: {
      ZeroAddress: 'constructors reject zero addresses and a settlement module or implementation built for other contracts',
      ModuleMismatch: 'constructors reject zero addresses and a settlement module or implementation built for other contracts',
      InvalidInitialization: 'initialize runs once per clone and never on the implementation',
      InvalidConfig: 'createTraining checks the config field by field (the validator set and the schedule included)',
      ZeroDigest: commitUpdate,
      WrongRound: commitUpdate,
      NotStaked: commitUpdate,
      AlreadySubmitted: commitUpdate,
      RoundFull: commitUpdate,
      SubmissionsClosed: commitUpdate,
      UpdateRevealNotOpen: revealUpdate,
      UpdateRevealClosed: revealUpdate,
      NoUpdateCommitment: revealUpdate,
      UpdateAlreadyRevealed: revealUpdate,

      NothingToScore: commitScores,
      CommitNotOpen: commitScores,
      CommitClosed: commitScores,
      AlreadyCommitted: commitScores,
      ValidatorSetFull: 'a full validator set refuses a committer that does not outweigh its lightest member (ties: the earlier stays)',
      RevealNotOpen: revealScores,
      RevealClosed: revealScores,
      NoCommitment: revealScores,
      AlreadyRevealed: revealScores,
      ScoreCountMismatch: revealScores,
      ScoreOutOfRange: revealScores,
      CommitmentMismatch: revealScores,
      RoundNotOver: settle,
      RoundNotOpen: settle,
      DisputeOpen: 'the next round cannot settle while the model it trained on is under dispute',
      RoundNotSettled: post,
      ModelAlreadyPosted: post,
      NoModel: disputes,
      OwnModel: disputes,
      AlreadyDisputed: disputes,
      DisputeWindowClosed: disputes,
      NoDispute: disputes,
      AlreadyVoted: disputes,
      VoteNotOver: disputes,
      VoteClosed: disputes,
      TrainingNotOver: finish,
      AlreadyFinished: finish,
    },
    unreachable: {
      NotInitializing: 'raised only by onlyInitializing functions, and TrainingRounds has none',
      SafeERC20FailedOperation: 'clones move only the protocol token (DEAI), which reverts on failure and never returns false',
      TrainerUidsExhausted: 'a round judges at most maxUpdates trainers and a training has maxUpdates uid slots, so a newcomer always finds a uid whose holder is not judged in its round',
    },
  })
})

test('checklist: every error TrainingFactory declares is raised by a test', () => {
  assertErrorChecklist(trainingFactoryAbi, log, {
    covered: {
      ZeroAddress: 'constructors reject zero addresses and a settlement module or implementation built for other contracts',
      ImplementationMismatch: 'constructors reject zero addresses and a settlement module or implementation built for other contracts',
      NotProposer: 'createTraining is for the proposer of an open task, once, within the budget',
      TaskNotOpen: 'createTraining is for the proposer of an open task, once, within the budget',
      TrainingExists: 'createTraining is for the proposer of an open task, once, within the budget',
      EnforcedPause: 'the factory pause stops new trainings; pausing and roles are the admin\'s',
      ExpectedPause: 'the factory pause stops new trainings; pausing and roles are the admin\'s',
      AccessControlUnauthorizedAccount: 'the factory pause stops new trainings; pausing and roles are the admin\'s',
      AccessControlBadConfirmation: 'the factory pause stops new trainings; pausing and roles are the admin\'s',
    },
    unreachable: {
      FailedDeployment: 'creating a 45-byte EIP-1167 clone fails only when the transaction runs out of gas',
      InsufficientBalance: 'Clones raises it only when sending value with the clone; the factory sends none',
      ReentrancyGuardReentrantCall: 'createTraining calls only TaskRegistry, StakeManager and the fresh clone, none of which calls back',
    },
  })
})

test('the settlement module raises only errors the clone\'s ABI declares, so every revert decodes', () => {
  const clone = declaredErrors(trainingRoundsAbi)
  // YumaConsensus checks its input's shape and parameters; TrainingYuma builds both itself (at
  // least one row and one column, at most 64 x 64, fixed parameters), so neither can fail.
  const unreachable = ['YumaShapeInvalid', 'YumaMovingAverageTooLarge']
  expect(declaredErrors(trainingSettlementAbi).filter((name) => !clone.includes(name) && !unreachable.includes(name))).toEqual([])
})
