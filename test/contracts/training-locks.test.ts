import { beforeAll, describe, expect, test } from 'vitest'
import type { Address, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import type { RoleName } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { advancePast } from '../helpers/task-flow.js'
import {
  commitScores,
  commitUpdate,
  digestOf,
  modelInfo,
  positionOf,
  postModel,
  reasonOf,
  roundInfo,
  scoreRound,
  settleRound,
  setUpTraining,
  stakeEvents,
  stakeVerifiers,
  submitUpdate,
  toScoring,
  toSettlement,
  trainingConfig,
} from '../helpers/training-flow.js'
import type { Training } from '../helpers/training-flow.js'

/**
 * Every action that will be judged locks the stake behind it until its judgement is due: an
 * update or score commitment until the round's reveal deadline plus the settle period, a posted
 * model until its dispute could be resolved, a dispute vote until the vote deadline plus the
 * settle period. StakeManager refuses `withdraw` before then (the unbonding delay here is only a
 * minute), so unstaking never escapes a slash.
 */

const E = 10n ** 18n
const log = createRevertLog()
const config = trainingConfig({ rounds: 2 })

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregator: PrivateKeyAccount
let tasks = 0

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 14, params: { tasks: { committeeSize: 3 }, unbondingDelay: 60n } })
  proposer = accountAt(fx, 1)
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  trainers = [5, 6].map((i) => accountAt(fx, i))
  validators = [7, 8, 9].map((i) => accountAt(fx, i))
  aggregator = accountAt(fx, 10)
  await stakeVerifiers(fx, verifiers)
})

/** Trainers stake 100, validators 500, 300 and 200, the aggregator 100; then the training starts. */
function setUp(): Promise<{ taskId: bigint; training: Training }> {
  return setUpTraining({ fx, proposer, verifiers, trainers, validators, aggregators: [aggregator] }, { config, label: `locks ${tasks++}` })
}

function requestUnstake(taskId: bigint, owner: PrivateKeyAccount, role: RoleName, amount: bigint) {
  return writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'requestUnstake', args: [taskId, roleId(role), amount] })
}

function withdraw(taskId: bigint, owner: PrivateKeyAccount, role: RoleName) {
  return writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'withdraw', args: [taskId, roleId(role)] })
}

/**
 * The owner unstakes everything now; once the (one-minute) unbonding is over, `withdraw` is
 * refused with PositionLocked until `lockedUntil`, and goes through from that second on.
 */
async function expectLockedUntil(taskId: bigint, owner: PrivateKeyAccount, role: RoleName, lockedUntil: bigint): Promise<void> {
  const position = await positionOf(fx, taskId, role, owner.address)
  expect(position.lockedUntil, `${role} lock`).toBe(lockedUntil)
  if (position.active > 0n) await requestUnstake(taskId, owner, role, position.active)
  const { releaseAt } = await positionOf(fx, taskId, role, owner.address)
  expect(releaseAt).toBeLessThan(lockedUntil)
  await advancePast(fx, releaseAt)
  expect(await log.expectRevert(withdraw(taskId, owner, role), 'PositionLocked')).toEqual([lockedUntil])
  // Each block is one second after the latest (a refused transaction mines none): the last
  // refused second, then the first allowed one.
  await advancePast(fx, lockedUntil - 3n)
  await log.expectRevert(withdraw(taskId, owner, role), 'PositionLocked')
  await fx.ledger.clock.mine()
  const receipt = await withdraw(taskId, owner, role)
  expect(stakeEvents(fx, receipt).map((e) => e.eventName)).toEqual(['Withdrawn'])
}

describe('stake locks', () => {
  test('an update commitment locks the trainer until the round can be settled: unstaking does not escape the slash for not revealing', async () => {
    const { taskId, training } = await setUp()
    const trainer = trainers[0]!
    await commitUpdate(fx, training, trainer, 1n, digestOf('a commitment never revealed'))
    const { revealDeadline } = await roundInfo(fx, training, 1n)
    const lockedUntil = revealDeadline + config.settlePeriod
    expect((await positionOf(fx, taskId, 'trainer', trainer.address)).lockedUntil).toBe(lockedUntil)
    // The trainer unstakes all of it at once; a minute later it still cannot withdraw.
    await requestUnstake(taskId, trainer, 'trainer', 100n * E)
    await advancePast(fx, (await positionOf(fx, taskId, 'trainer', trainer.address)).releaseAt)
    expect(await log.expectRevert(withdraw(taskId, trainer, 'trainer'), 'PositionLocked')).toEqual([lockedUntil])
    // Settlement takes 10% of the unbonding stake.
    await toSettlement(fx, training, 1n)
    const settled = await settleRound(fx, training, proposer, 1n)
    const slash = stakeEvents(fx, settled).find((e) => e.eventName === 'Slashed')
    expect(slash?.args).toMatchObject({ owner: trainer.address, amount: 10n * E, reason: reasonOf('TRAINING_UPDATE_NOT_REVEALED') })
    expect(await positionOf(fx, taskId, 'trainer', trainer.address)).toMatchObject({ active: 0n, unbonding: 90n * E })
    await expectLockedUntil(taskId, trainer, 'trainer', lockedUntil)
  })

  test('a score commitment locks the validator until the round can be settled', async () => {
    const { taskId, training } = await setUp()
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await toScoring(fx, training, 1n)
    await commitScores(fx, training, validators[1]!, 1n, validators[1]!.address, [8000])
    const { revealDeadline } = await roundInfo(fx, training, 1n)
    await expectLockedUntil(taskId, validators[1]!, 'validator', revealDeadline + config.settlePeriod)
  })

  test('a posted model locks its aggregator until a dispute over it could be resolved', async () => {
    const { taskId, training } = await setUp()
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [8000] }])
    await settleRound(fx, training, proposer, 1n)
    await postModel(fx, training, aggregator, 1n, digestOf('model'))
    const { postedAt } = await modelInfo(fx, training, 1n)
    await expectLockedUntil(taskId, aggregator, 'aggregator', postedAt + config.disputePeriod + config.revealPeriod + config.settlePeriod)
  })

  test('a dispute and each vote lock their validator until the vote deadline plus the settle period', async () => {
    const { taskId, training } = await setUp()
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    // V1 scores round 1 (locked until its reveal deadline + settle period); V2 and V3 do not.
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [8000] }])
    await settleRound(fx, training, proposer, 1n)
    await postModel(fx, training, aggregator, 1n, digestOf('model'))
    await writeContract(fx.ledger, validators[1]!, { ...training, functionName: 'disputeModel', args: [1n] })
    await writeContract(fx.ledger, validators[2]!, { ...training, functionName: 'voteDispute', args: [1n, false] })
    await writeContract(fx.ledger, validators[0]!, { ...training, functionName: 'voteDispute', args: [1n, false] })
    const { voteDeadline } = await modelInfo(fx, training, 1n)
    const until = voteDeadline + config.settlePeriod
    // Locks only extend: V1's vote moves its lock from round 1's settlement to the dispute's.
    expect((await roundInfo(fx, training, 1n)).revealDeadline + config.settlePeriod).toBeLessThan(until)
    const locks = await Promise.all(validators.map(async (v): Promise<[Address, bigint]> => [v.address, (await positionOf(fx, taskId, 'validator', v.address)).lockedUntil]))
    expect(locks).toEqual(validators.map((v) => [v.address, until]))
    await expectLockedUntil(taskId, validators[2]!, 'validator', until)
  })
})
