import { beforeAll, describe, expect, test } from 'vitest'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import {
  VALIDATOR,
  commitScores,
  createTrainingCast,
  digestOf,
  postModel,
  revealScores,
  roundInfo,
  settleRound,
  setUpTraining,
  stakeAs,
  stakeEvents,
  submitUpdate,
  toReveal,
  toScoring,
  toSettlement,
  trainingConfig,
  trainingEvents,
} from '../helpers/training-flow.js'
import type { Training, TrainingConfig } from '../helpers/training-flow.js'

/**
 * The round's validator set: at most maxValidators committers, the heaviest by stake as of the
 * block before the round opened (no more than they hold when they commit, and at settlement no
 * more than they hold then). A heavier latecomer takes the place of the lightest member, which is
 * then out of the round: it cannot reveal and is neither judged, paid nor slashed.
 */

const E = 10n ** 18n

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregator: PrivateKeyAccount
let tasks = 0

beforeAll(async () => {
  let aggregators: PrivateKeyAccount[]
  ;({ fx, proposer, verifiers, trainers, validators, aggregators } = await createTrainingCast({ trainers: 2, validators: 4, aggregators: 1 }))
  aggregator = aggregators[0]!
})

/** Trainers stake 100, validators 500, 300, 200 and 100, the aggregator 100; then the training starts. */
function setUp(config: TrainingConfig): Promise<{ taskId: bigint; training: Training }> {
  return setUpTraining({ fx, proposer, verifiers, trainers, validators, aggregators: [aggregator] }, { config, label: `validator set ${tasks++}` })
}

/** The ScoresCommitted and ValidatorEvicted events of a receipt. */
function setEvents(receipt: TransactionReceipt) {
  return trainingEvents(receipt).flatMap((e) => (e.eventName === 'ScoresCommitted' || e.eventName === 'ValidatorEvicted' ? [[e.eventName, e.args]] : []))
}

function committers(training: Training, round: bigint) {
  return fx.ledger.client.readContract({ ...training, functionName: 'committers', args: [round] })
}

describe('the validator set', () => {
  test('a heavier committer evicts the lightest member, which can no longer reveal and is neither judged, paid nor slashed', async () => {
    const { training } = await setUp(trainingConfig({ maxValidators: 2 }))
    const [v1, , v3, v4] = validators as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('a'))
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('b'))
    await toScoring(fx, training, 1n)
    const scores = [8000, 8000]
    expect(setEvents(await commitScores(fx, training, v3, 1n, v3.address, scores))).toEqual([['ScoresCommitted', { round: 1n, validator: v3.address, slot: 0n, weight: 200n * E }]])
    expect(setEvents(await commitScores(fx, training, v4, 1n, v4.address, scores))).toEqual([['ScoresCommitted', { round: 1n, validator: v4.address, slot: 1n, weight: 100n * E }]])
    expect(setEvents(await commitScores(fx, training, v1, 1n, v1.address, scores))).toEqual([
      ['ValidatorEvicted', { round: 1n, validator: v4.address, by: v1.address }],
      ['ScoresCommitted', { round: 1n, validator: v1.address, slot: 1n, weight: 500n * E }],
    ])
    expect(await committers(training, 1n)).toEqual([v3.address, v1.address])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasCommitted', args: [1n, v4.address] })).toBe(false)
    expect((await roundInfo(fx, training, 1n)).committers).toBe(2)
    await toReveal(fx, training, 1n)
    expect(revertName(await revealScores(fx, training, v4, 1n, v4.address, scores).catch((e: unknown) => e))).toBe('NoCommitment')
    for (const v of [v3, v1]) await revealScores(fx, training, v, 1n, v.address, scores)
    await toSettlement(fx, training, 1n)
    const receipt = await settleRound(fx, training, proposer, 1n)
    // 300 to the set's validators by stake, 200 : 500; V4 is not judged and not slashed.
    const judged = trainingEvents(receipt).flatMap((e) => (e.eventName === 'ValidatorJudged' ? [[e.args.validator, e.args.reward, e.args.slashed]] : []))
    expect(judged).toEqual([[v3.address, 85714285714285714285n, false], [v1.address, 214285714285714285714n, false]])
    expect(stakeEvents(fx, receipt).filter((e) => e.eventName === 'Slashed')).toEqual([])
  })

  test('a validator weighs its stake as of the block before the round opened, and no more than it holds when it commits', async () => {
    const { taskId, training } = await setUp(trainingConfig({ maxValidators: 2, rounds: 2 }))
    const [v1, v2, v3, v4] = validators as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    // After round 1 opened: V4 adds 1,000 to its 100 and V2 starts unstaking 150 of its 300.
    await stakeAs(fx, v4, taskId, 'validator', 1000n * E)
    await writeContract(fx.ledger, v2, { ...fx.stakeManager, functionName: 'requestUnstake', args: [taskId, VALIDATOR, 150n * E] })
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('r1'))
    await toScoring(fx, training, 1n)
    const scores = [8000]
    const commit = async (v: PrivateKeyAccount, round: bigint) => setEvents(await commitScores(fx, training, v, round, v.address, scores))
    // V4 weighs 100 (not 1,100) and V2 150 (not 300), so V3 (200) evicts V4.
    expect(await commit(v4, 1n)).toEqual([['ScoresCommitted', { round: 1n, validator: v4.address, slot: 0n, weight: 100n * E }]])
    expect(await commit(v2, 1n)).toEqual([['ScoresCommitted', { round: 1n, validator: v2.address, slot: 1n, weight: 150n * E }]])
    expect(await commit(v3, 1n)).toEqual([
      ['ValidatorEvicted', { round: 1n, validator: v4.address, by: v3.address }],
      ['ScoresCommitted', { round: 1n, validator: v3.address, slot: 0n, weight: 200n * E }],
    ])
    await toReveal(fx, training, 1n)
    for (const v of [v2, v3]) await revealScores(fx, training, v, 1n, v.address, scores)
    await toSettlement(fx, training, 1n)
    await settleRound(fx, training, proposer, 1n)
    // Round 2 opens after the top-up: V4 weighs 1,100 and takes the place of V3, the lightest.
    await postModel(fx, training, aggregator, 1n, digestOf('model 1'))
    await submitUpdate(fx, training, trainers[0]!, 2n, digestOf('r2'))
    await toScoring(fx, training, 2n)
    await commit(v1, 2n)
    await commit(v3, 2n)
    expect(await commit(v4, 2n)).toEqual([
      ['ValidatorEvicted', { round: 2n, validator: v3.address, by: v4.address }],
      ['ScoresCommitted', { round: 2n, validator: v4.address, slot: 1n, weight: 1100n * E }],
    ])
    expect(await committers(training, 2n)).toEqual([v1.address, v4.address])
  })
})
