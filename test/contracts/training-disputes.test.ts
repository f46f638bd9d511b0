import { writeByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, rewardsOf } from '../helpers/balances.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { advancePast } from '../helpers/task-flow.js'
import {
  AGGREGATOR,
  CODEC,
  DISPUTE_STATUS,
  MODEL_STATUS,
  ROUND_STATUS,
  VALIDATOR,
  createTrainingCast,
  digestOf,
  factoryOf,
  modelInfo,
  openTask,
  postModel,
  readSubmissions,
  reasonOf,
  roundInfo,
  scoreRound,
  settleRound,
  setUpTraining,
  stakeAs,
  stakeEvents,
  submitUpdate,
  trainingConfig,
  trainingEvents,
  trainingTestAbi,
} from '../helpers/training-flow.js'
import type { Training, TrainingConfig } from '../helpers/training-flow.js'

/**
 * Disputes over posted models (the aggregator or the disputer pays, and so do the other voters
 * on the losing side; the round trained on a wrong model is cancelled and reopened), votes
 * weighed by stake before the dispute among at most maxValidators voters, and the two ways a
 * training ends (slashed stake to the treasury, the rest to the proposer).
 */

const E = 10n ** 18n
let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregators: PrivateKeyAccount[]
let tasks = 0

beforeAll(async () => {
  ;({ fx, proposer, verifiers, trainers, validators, aggregators } = await createTrainingCast({ trainers: 2, validators: 4, aggregators: 2 }))
})

/** Validators stake 500, 300, 200 and 100; trainers and aggregators 100 each; then the training starts. */
function setUp(config: TrainingConfig, expiresAt?: bigint): Promise<{ taskId: bigint; training: Training }> {
  return setUpTraining({ fx, proposer, verifiers, trainers, validators, aggregators }, { config, label: `disputes ${tasks++}`, expiresAt })
}

/** Two good updates. */
async function submitTwo(training: Training, round: bigint): Promise<void> {
  await submitUpdate(fx, training, trainers[0]!, round, digestOf(`${training.address} ${round} a`))
  await submitUpdate(fx, training, trainers[1]!, round, digestOf(`${training.address} ${round} b`))
}

/** Scored alike by V1 and V2, then settled. */
async function scoreAndSettle(training: Training, round: bigint): Promise<TransactionReceipt> {
  await scoreRound(fx, training, round, [{ key: validators[0]!, scores: [8000, 8000] }, { key: validators[1]!, scores: [8000, 8000] }])
  return settleRound(fx, training, proposer, round)
}

async function playRound(training: Training, round: bigint): Promise<TransactionReceipt> {
  await submitTwo(training, round)
  return scoreAndSettle(training, round)
}

function call(training: Training, who: PrivateKeyAccount, functionName: 'disputeModel' | 'resolveDispute' | 'finish', args: readonly unknown[]) {
  return writeByName(fx.ledger, who, training, functionName, args)
}

function vote(training: Training, who: PrivateKeyAccount, round: bigint, modelIsWrong: boolean) {
  return writeContract(fx.ledger, who, { ...training, functionName: 'voteDispute', args: [round, modelIsWrong] })
}

async function books(training: Training) {
  const [funded, slashedIn, credited, refunded] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
  return { funded, slashedIn, credited, refunded }
}

async function expectBalanced(training: Training): Promise<void> {
  const b = await books(training)
  expect(await balanceOf(fx, training.address)).toBe(b.funded + b.slashedIn - b.credited - b.refunded)
}

async function aggregatorStake(taskId: bigint, owner: PrivateKeyAccount): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [taskId, AGGREGATOR, owner.address] })
}

describe('a disputed model', () => {
  test('found wrong: the aggregator pays the disputer, the losing voter pays the training, the round trained on it is cancelled and reopened by a new model', async () => {
    const { taskId, training } = await setUp(trainingConfig({ rounds: 3 }))
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('bad model'))
    // Round 2 starts on the bad model; a trainer submits before anyone disputes.
    await submitUpdate(fx, training, trainers[0]!, 2n, digestOf('trained on bad'))
    const disputed = await call(training, validators[0]!, 'disputeModel', [1n])
    const events = trainingEvents(disputed)
    const voteDeadline = (await modelInfo(fx, training, 1n)).voteDeadline
    expect(events.map((e) => [e.eventName, e.args])).toEqual([
      ['ModelDisputed', { round: 1n, disputer: validators[0]!.address, voteDeadline }],
      ['DisputeVoted', { round: 1n, validator: validators[0]!.address, modelIsWrong: true, stake: 500n * E }],
    ])
    await vote(training, validators[1]!, 1n, false)
    await vote(training, validators[2]!, 1n, true)
    await advancePast(fx, voteDeadline)
    const disputerBefore = await balanceOf(fx, validators[0]!.address)
    const clone = await balanceOf(fx, training.address)
    const resolved = await call(training, trainers[1]!, 'resolveDispute', [1n])

    expect(trainingEvents(resolved).map((e) => [e.eventName, e.args])).toEqual([
      ['RoundCancelled', { round: 2n, reason: reasonOf('TRAINING_WRONG_MODEL') }],
      ['DisputeResolved', { round: 1n, modelWasWrong: true, stakeForWrong: 700n * E, stakeForRight: 300n * E }],
    ])
    const [slash, lost, ...more] = stakeEvents(fx, resolved).filter((e) => e.eventName === 'Slashed')
    expect(slash?.args).toMatchObject({ taskId, role: AGGREGATOR, owner: aggregators[0]!.address, amount: 50n * E, beneficiary: validators[0]!.address, reason: reasonOf('TRAINING_WRONG_MODEL') })
    // V2 voted for the model and lost: 20% of its 300, into the training.
    expect(lost?.args).toMatchObject({ taskId, role: VALIDATOR, owner: validators[1]!.address, amount: 60n * E, beneficiary: training.address, reason: reasonOf('TRAINING_LOST_DISPUTE_VOTE') })
    expect(more).toEqual([])
    expect(await balanceOf(fx, validators[0]!.address)).toBe(disputerBefore + 50n * E)
    expect(await aggregatorStake(taskId, aggregators[0]!)).toBe(50n * E)
    expect(await balanceOf(fx, training.address)).toBe(clone + 60n * E)
    expect((await books(training)).slashedIn).toBe(60n * E)
    expect(await modelInfo(fx, training, 1n)).toMatchObject({ status: MODEL_STATUS.rejected, dispute: DISPUTE_STATUS.resolved })
    expect((await roundInfo(fx, training, 2n)).status).toBe(ROUND_STATUS.cancelled)
    expect(revertName(await submitUpdate(fx, training, trainers[1]!, 2n, digestOf('late')).catch((e: unknown) => e))).toBe('RoundNotOpen')

    // Any staked aggregator posts the model again; round 2 reopens from it, with a fresh hash.
    const reposted = await postModel(fx, training, aggregators[1]!, 1n, digestOf('good model'))
    const reopened = trainingEvents(reposted).find((e) => e.eventName === 'RoundOpened')
    expect(reopened?.args).toMatchObject({ round: 2n, modelDigest: digestOf('good model') })
    const info = await roundInfo(fx, training, 2n)
    expect(info).toMatchObject({ status: ROUND_STATUS.open, attempt: 2, submissions: 0, modelDigest: digestOf('good model') })
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasSubmitted', args: [2n, trainers[0]!.address] })).toBe(false)
    expect(await modelInfo(fx, training, 1n)).toMatchObject({ status: MODEL_STATUS.posted, dispute: DISPUTE_STATUS.none, aggregator: aggregators[1]!.address })

    // The cancelled opening's submission is neither paid nor slashed: round 2 pays its new trainers.
    const rewardBefore = await rewardsOf(fx, trainers[0]!.address)
    const settled = await playRound(training, 2n)
    const judged = trainingEvents(settled).filter((e) => e.eventName === 'UpdateJudged')
    expect(judged).toHaveLength(2)
    expect(await rewardsOf(fx, trainers[0]!.address)).toBe(rewardBefore + 350n * E)
    expect(await readSubmissions(fx, training, 2n)).toHaveLength(2)
    const [, , credited] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
    // Rounds 1 and 2, nothing for the cancelled opening; in round 2 V1 (500) and V2 (300, less
    // the 60 it lost in the dispute) split 300 as 500 : 240, which leaves one wei.
    expect(credited).toBe(2000n * E - 1n)
    await expectBalanced(training)
  })

  test('found right (a tie counts as right): the disputer pays the aggregator, the other losing voter pays the training, and the next round goes on', async () => {
    const { taskId, training } = await setUp(trainingConfig({ rounds: 2 }))
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('fine model'))
    await submitTwo(training, 2n)
    // V3 (200) and V4 (100) say wrong, V2 (300) says right: 300 against 300.
    await call(training, validators[2]!, 'disputeModel', [1n])
    await vote(training, validators[3]!, 1n, true)
    await vote(training, validators[1]!, 1n, false)
    await advancePast(fx, (await modelInfo(fx, training, 1n)).voteDeadline)
    const aggregatorBefore = await balanceOf(fx, aggregators[0]!.address)
    const resolved = await call(training, proposer, 'resolveDispute', [1n])
    expect(trainingEvents(resolved).map((e) => [e.eventName, e.args])).toEqual([
      ['DisputeResolved', { round: 1n, modelWasWrong: false, stakeForWrong: 300n * E, stakeForRight: 300n * E }],
    ])
    const [slash, lost, ...more] = stakeEvents(fx, resolved).filter((e) => e.eventName === 'Slashed')
    expect(slash?.args).toMatchObject({ role: VALIDATOR, owner: validators[2]!.address, amount: 40n * E, beneficiary: aggregators[0]!.address, reason: reasonOf('TRAINING_FAILED_DISPUTE') })
    // V4 voted with the disputer: 20% of its 100, into the training. V2 voted right and pays nothing.
    expect(lost?.args).toMatchObject({ role: VALIDATOR, owner: validators[3]!.address, amount: 20n * E, beneficiary: training.address, reason: reasonOf('TRAINING_LOST_DISPUTE_VOTE') })
    expect(more).toEqual([])
    expect(await balanceOf(fx, aggregators[0]!.address)).toBe(aggregatorBefore + 40n * E)
    expect(await aggregatorStake(taskId, aggregators[0]!)).toBe(100n * E)
    expect(await modelInfo(fx, training, 1n)).toMatchObject({ status: MODEL_STATUS.posted, dispute: DISPUTE_STATUS.resolved, stakeForWrong: 300n * E, stakeForRight: 300n * E })
    // Round 2, trained on the model, settles as usual.
    expect((await roundInfo(fx, training, 2n)).status).toBe(ROUND_STATUS.open)
    await scoreAndSettle(training, 2n)
    expect((await roundInfo(fx, training, 2n)).status).toBe(ROUND_STATUS.settled)
    await expectBalanced(training)
  })

  test('a wrong final model must be posted again before the training can finish', async () => {
    const config = trainingConfig({ rounds: 1 })
    const { training } = await setUp(config)
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('bad final'))
    await call(training, validators[0]!, 'disputeModel', [1n])
    await advancePast(fx, (await modelInfo(fx, training, 1n)).voteDeadline)
    const resolved = await call(training, proposer, 'resolveDispute', [1n])
    expect(trainingEvents(resolved).map((e) => e.eventName)).toEqual(['DisputeResolved']) // no round to cancel
    const finishEarly = await call(training, proposer, 'finish', []).catch((e: unknown) => e)
    expect(revertName(finishEarly)).toBe('TrainingNotOver')
    const posted = await postModel(fx, training, aggregators[1]!, 1n, digestOf('good final'))
    expect(trainingEvents(posted).map((e) => e.eventName)).toEqual(['ModelPosted'])
    const { postedAt } = await modelInfo(fx, training, 1n)
    await advancePast(fx, postedAt + config.disputePeriod)
    const held = await balanceOf(fx, training.address)
    const before = await balanceOf(fx, proposer.address)
    await call(training, validators[3]!, 'finish', [])
    expect(await balanceOf(fx, proposer.address)).toBe(before + held)
    expect(await balanceOf(fx, training.address)).toBe(0n)
  })
})

describe('dispute votes', () => {
  test('weigh stake as of the block before the dispute: stake added later buys nothing, stake leaving counts no more', async () => {
    const { taskId, training } = await setUp(trainingConfig({ rounds: 2 }))
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('model'))
    const disputed = await call(training, validators[3]!, 'disputeModel', [1n])
    // After the dispute: V3 adds 1,000 (it still weighs 200), V1 starts unstaking 400 (it now
    // weighs 100), and an aggregator that stakes as a validator has no say at all.
    await stakeAs(fx, validators[2]!, taskId, 'validator', 1000n * E)
    await writeContract(fx.ledger, validators[0]!, { ...fx.stakeManager, functionName: 'requestUnstake', args: [taskId, VALIDATOR, 400n * E] })
    await stakeAs(fx, aggregators[1]!, taskId, 'validator', 1000n * E)
    const weights = [
      trainingEvents(await vote(training, validators[2]!, 1n, true)),
      trainingEvents(await vote(training, validators[0]!, 1n, false)),
    ].flat().flatMap((e) => (e.eventName === 'DisputeVoted' ? [[e.args.validator, e.args.stake]] : []))
    expect(weights).toEqual([[validators[2]!.address, 200n * E], [validators[0]!.address, 100n * E]])
    expect(revertName(await vote(training, aggregators[1]!, 1n, false).catch((e: unknown) => e))).toBe('NotStaked')
    const info = await modelInfo(fx, training, 1n)
    expect(info).toMatchObject({ snapshotBlock: disputed.blockNumber - 1n, stakeForWrong: 300n * E, stakeForRight: 100n * E })
    await advancePast(fx, info.voteDeadline)
    const resolved = await call(training, proposer, 'resolveDispute', [1n])
    // Wrong (300 against 100): V1, on the losing side, pays 20% of its 500 (100 active + 400 unbonding).
    const slashes = stakeEvents(fx, resolved).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.amount, e.args.reason]] : []))
    expect(slashes).toEqual([
      [aggregators[0]!.address, 50n * E, reasonOf('TRAINING_WRONG_MODEL')],
      [validators[0]!.address, 100n * E, reasonOf('TRAINING_LOST_DISPUTE_VOTE')],
    ])
  })

  test('at most maxValidators voters count: a heavier voter evicts the lightest, whose vote leaves the tally and who pays nothing as a voter', async () => {
    const { taskId, training } = await setUp(trainingConfig({ rounds: 2, maxValidators: 2 }))
    await stakeAs(fx, aggregators[1]!, taskId, 'validator', 100n * E)
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('model'))
    await call(training, validators[2]!, 'disputeModel', [1n]) // V3 (200): wrong
    await vote(training, validators[3]!, 1n, true) // V4 (100): wrong; the set is full
    expect(await modelInfo(fx, training, 1n)).toMatchObject({ stakeForWrong: 300n * E, stakeForRight: 0n })
    const v2 = trainingEvents(await vote(training, validators[1]!, 1n, false)) // V2 (300): right, evicts V4
    expect(v2.map((e) => [e.eventName, e.args])).toEqual([
      ['DisputeVoterEvicted', { round: 1n, validator: validators[3]!.address, by: validators[1]!.address }],
      ['DisputeVoted', { round: 1n, validator: validators[1]!.address, modelIsWrong: false, stake: 300n * E }],
    ])
    expect(await modelInfo(fx, training, 1n)).toMatchObject({ stakeForWrong: 200n * E, stakeForRight: 300n * E })
    // An evicted voter cannot vote again, and a voter no heavier than the lightest member is refused.
    expect(revertName(await vote(training, validators[3]!, 1n, false).catch((e: unknown) => e))).toBe('AlreadyVoted')
    expect(revertName(await vote(training, aggregators[1]!, 1n, false).catch((e: unknown) => e))).toBe('ValidatorSetFull')
    await vote(training, validators[0]!, 1n, false) // V1 (500): right, evicts the disputer V3
    const info = await modelInfo(fx, training, 1n)
    expect(info).toMatchObject({ stakeForWrong: 0n, stakeForRight: 800n * E })
    await advancePast(fx, info.voteDeadline)
    const resolved = await call(training, proposer, 'resolveDispute', [1n])
    expect(trainingEvents(resolved).map((e) => [e.eventName, e.args])).toEqual([
      ['DisputeResolved', { round: 1n, modelWasWrong: false, stakeForWrong: 0n, stakeForRight: 800n * E }],
    ])
    // The disputer pays the aggregator; V4, evicted, is no longer a voter and pays nothing.
    const slashes = stakeEvents(fx, resolved).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.amount, e.args.beneficiary]] : []))
    expect(slashes).toEqual([[validators[2]!.address, 40n * E, aggregators[0]!.address]])
  })
})

describe('the end of a training', () => {
  test('after the task expires anyone may finish, even mid-round and mid-dispute, and nothing is left anywhere', async () => {
    const expiresAt = (await fx.ledger.clock.now()) + 5n * 24n * 3600n
    const config = trainingConfig({ rounds: 3 })
    const { taskId, training } = await setUp(config, expiresAt)
    await playRound(training, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('model 1'))
    await submitUpdate(fx, training, trainers[0]!, 2n, digestOf('round 2'))
    await call(training, validators[2]!, 'disputeModel', [1n])
    const early = await call(training, proposer, 'finish', []).catch((e: unknown) => e)
    expect(revertName(early)).toBe('TrainingNotOver')

    await advancePast(fx, expiresAt)
    const held = await balanceOf(fx, training.address)
    const [funded, slashedIn, credited] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
    expect(held).toBe(funded + slashedIn - credited)
    expect(held).toBe(2000n * E) // 3,000 funded, round 1 paid 1,000
    const before = await balanceOf(fx, proposer.address)
    const receipt = await call(training, trainers[1]!, 'finish', [])
    expect(trainingEvents(receipt).find((e) => e.eventName === 'TrainingFinished')?.args).toEqual({ refund: held, toTreasury: 0n })
    expect(await balanceOf(fx, proposer.address)).toBe(before + held)
    expect(await balanceOf(fx, training.address)).toBe(0n)
    expect((await roundInfo(fx, training, 2n)).status).toBe(ROUND_STATUS.closed)
    const [, , , refunded] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
    expect(refunded).toBe(held)

    // The registry returns the rest of the task's budget the same way: 10,000 - 10 fee - 3,000.
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(task.budget).toBe(6990n * E)
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'close', args: [taskId] })
    expect(await balanceOf(fx, proposer.address)).toBe(before + held + 6990n * E)
  })
})

describe('finish', () => {
  test('sends the stake slashed into the training to the treasury and the unspent emission to the proposer', async () => {
    const config = trainingConfig({ rounds: 1 })
    const { training } = await setUp(config)
    // T1 scores below the 50% floor: rejected (10 of its 100 slashed), so the trainers' pot of
    // 700 is not paid; V3 commits and stays silent (40 of its 200). V1 and V2 share 300.
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('weak'))
    await scoreRound(fx, training, 1n, [
      { key: validators[0]!, scores: [4000] },
      { key: validators[1]!, scores: [4000] },
      { key: validators[2]!, scores: [4000], reveal: false },
    ])
    await settleRound(fx, training, proposer, 1n)
    expect(await books(training)).toEqual({ funded: 1000n * E, slashedIn: 50n * E, credited: 300n * E, refunded: 0n })
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('final'))
    await advancePast(fx, (await modelInfo(fx, training, 1n)).postedAt + config.disputePeriod)
    const treasury = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'treasury' })
    const treasuryBefore = await balanceOf(fx, treasury)
    const proposerBefore = await balanceOf(fx, proposer.address)
    const receipt = await call(training, trainers[1]!, 'finish', [])
    expect(trainingEvents(receipt).find((e) => e.eventName === 'TrainingFinished')?.args).toEqual({ refund: 700n * E, toTreasury: 50n * E })
    expect(await balanceOf(fx, treasury)).toBe(treasuryBefore + 50n * E)
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + 700n * E)
    expect(await balanceOf(fx, training.address)).toBe(0n)
    expect(await books(training)).toEqual({ funded: 1000n * E, slashedIn: 50n * E, credited: 300n * E, refunded: 750n * E })
  })

  test('a round played on time is settled and paid even when finish is called the moment it can settle', async () => {
    // One round whose phases end exactly when the task expires.
    const taskId = await openTask(fx, proposer, verifiers, { label: `disputes ${tasks++}` })
    for (const t of trainers) await stakeAs(fx, t, taskId, 'trainer', 100n * E)
    for (const [i, v] of validators.entries()) await stakeAs(fx, v, taskId, 'validator', [500n, 300n, 200n, 100n][i]! * E)
    const { expiresAt } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    const next = (await fx.ledger.clock.now()) + 1n
    const config = trainingConfig({ rounds: 1, trainPeriod: expiresAt - next - 3n * 3600n })
    const created = await writeContract(fx.ledger, proposer, { ...factoryOf(fx), functionName: 'createTraining', args: [taskId, config, digestOf('initial'), CODEC.raw] }).catch((e: unknown) => e)
    // A contract that leaves the last round no time to settle before expiry may refuse it.
    if (revertName(created) === 'InvalidConfig') return
    const training: Training = { address: await fx.ledger.client.readContract({ ...factoryOf(fx), functionName: 'trainingOf', args: [taskId] }), abi: trainingTestAbi }
    expect((await roundInfo(fx, training, 1n)).revealDeadline).toBe(expiresAt)
    // Everyone acts on time: the round may settle from expiry + 1 s, and finish may be called then too.
    await submitTwo(training, 1n)
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [8000, 8000] }, { key: validators[1]!, scores: [8000, 8000] }])
    const before = await rewardsOf(fx, trainers[0]!.address)
    await call(training, proposer, 'finish', []).catch(() => undefined)
    const settled = await settleRound(fx, training, trainers[1]!, 1n).then(() => 'settled', (e: unknown) => revertName(e))
    expect(settled).toBe('settled')
    expect(await rewardsOf(fx, trainers[0]!.address)).toBe(before + 350n * E)
  })
})
