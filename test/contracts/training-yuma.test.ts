import { beforeAll, describe, expect, test } from 'vitest'
import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { settleTrainingRound } from '../../src/mechanisms/consensus/training/settle-round.js'
import type { TrainingRoundOutcome } from '../../src/mechanisms/consensus/training/settle-round.js'
import { EMPTY_YUMA_BOND_STATE } from '../../src/mechanisms/consensus/training/yuma-round.js'
import type { YumaBondState } from '../../src/mechanisms/consensus/training/yuma-round.js'
import { balanceOf } from '../helpers/balances.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import {
  CONSENSUS,
  commitUpdate,
  createTrainingCast,
  digestOf,
  postModel,
  readSubmissions,
  reasonOf,
  revealPendingUpdates,
  roundInfo,
  scoreRound,
  settleRound,
  setUpTraining,
  stakeEvents,
  submitUpdate,
  toUpdateReveal,
  trainingConfig,
  trainingEvents,
} from '../helpers/training-flow.js'
import type { Training, TrainingConfig, ValidatorPlan } from '../helpers/training-flow.js'

/**
 * Yuma rounds on chain: one round whose outcome is explained by hand, and a three-round training
 * where bonds build, decay for an absent trainer, favour an incumbent validator over a newcomer
 * with the same scores, and stay put for a validator that does not reveal. Every settlement is
 * also compared, event by event and bond by bond, with the TypeScript restatement.
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
  ;({ fx, proposer, verifiers, trainers, validators, aggregators } = await createTrainingCast({ trainers: 4, validators: 4, aggregators: 1 }))
  aggregator = aggregators[0]!
})

const VALIDATOR_STAKES = [500n * E, 300n * E, 200n * E, 100n * E]

/** Yuma, 1,000 DEAI a round (70% to trainers), floor 50%, 90% of the median consensus, deviation bound 30%. */
function yumaConfig(overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return trainingConfig({ consensus: CONSENSUS.yuma, ...overrides })
}

/** Everyone staked (validators 500/300/200/100) before the training starts. */
async function setUp(config: TrainingConfig): Promise<Training> {
  const cast = { fx, proposer, verifiers, trainers, validators, aggregators: [aggregator] }
  return (await setUpTraining(cast, { config, label: `yuma ${tasks++}`, validatorStakes: VALIDATOR_STAKES })).training
}

function judged(receipt: TransactionReceipt) {
  const events = trainingEvents(receipt)
  return {
    updates: events.flatMap((e) => (e.eventName === 'UpdateJudged' ? [e.args] : [])),
    validators: events.flatMap((e) => (e.eventName === 'ValidatorJudged' ? [e.args] : [])),
  }
}

function bondsOf(training: Training, validator: Address): Promise<readonly number[]> {
  return fx.ledger.client.readContract({ ...training, functionName: 'bondsOf', args: [validator] })
}

/**
 * Plays a round: the given trainers commit and reveal (the silent ones only commit), the plans
 * score, the round settles. Checks every UpdateJudged and ValidatorJudged and the stored bonds
 * against the restatement; returns it.
 */
async function playRound(
  training: Training,
  config: TrainingConfig,
  round: bigint,
  submitters: readonly number[],
  plans: readonly ValidatorPlan[],
  state: YumaBondState,
  silent: readonly number[] = [],
): Promise<{ receipt: TransactionReceipt; expected: TrainingRoundOutcome }> {
  for (const i of submitters) {
    const digest = digestOf(`${training.address} ${round} ${i}`)
    // A silent trainer commits and never reveals.
    if (silent.includes(i)) await commitUpdate(fx, training, trainers[i]!, round, digest)
    else await submitUpdate(fx, training, trainers[i]!, round, digest)
  }
  await scoreRound(fx, training, round, plans)
  const submissions = await readSubmissions(fx, training, round)
  const expected = settleTrainingRound({
    rule: 'yuma',
    acceptFloorBps: config.acceptFloorBps,
    acceptRelativeBps: config.acceptRelativeBps,
    deviationBoundBps: config.deviationBoundBps,
    trainerShareBps: config.trainerShareBps,
    emission: config.emissionPerRound,
    modelDigest: (await roundInfo(fx, training, round)).modelDigest,
    submissions: submissions.map((u) => ({ trainer: u.trainer, digest: u.revealed ? u.digest : undefined })),
    // Nobody changes stake during these rounds: the stake weight is the staked amount. The
    // validator set (by slot) is the committers in commit order: nobody is evicted.
    validators: plans.map((p) => ({
      owner: p.key.address,
      stake: VALIDATOR_STAKES[validators.indexOf(p.key)]!,
      ...(p.reveal === false ? {} : { scores: p.scores }),
    })),
  }, { yuma: state })
  expect(await fx.ledger.client.readContract({ ...training, functionName: 'committers', args: [round] })).toEqual(plans.map((p) => p.key.address))
  const receipt = await settleRound(fx, training, proposer, round)
  const { updates, validators: vj } = judged(receipt)
  expect(updates.map((u) => [u.trainer, u.accepted, u.consensusScore, u.reward])).toEqual(
    expected.updates.map((u, j) => [submissions[j]!.trainer, u.accepted, u.consensusScore, u.reward]),
  )
  expect(vj.map((v) => [v.validator, v.revealed, v.deviationBps, v.reward, v.slashed])).toEqual(
    expected.validators.map((v, i) => [plans[i]!.key.address, v.revealed, v.deviationBps, v.reward, v.slashed]),
  )
  for (const v of validators) {
    const predicted = expected.yuma.bonds.get(v.address) ?? []
    expect(await bondsOf(training, v.address)).toEqual(expected.yuma.trainers.map((_, u) => predicted[u] ?? 0))
  }
  return { receipt, expected }
}

describe('TrainingRounds: a Yuma round by hand', () => {
  test('U4, weighted by 200 of 1,000 stake, has no consensus; trainers are paid by incentive, validators by dividends, the unbacked V3 deviates', async () => {
    const config = yumaConfig()
    const training = await setUp(config)
    const plans: ValidatorPlan[] = [
      { key: validators[0]!, scores: [8000, 8200, 7800, 3000] },
      { key: validators[1]!, scores: [8100, 8000, 7000, 2500] },
      { key: validators[2]!, scores: [6000, 8500, 5000, 9000] },
      { key: validators[3]!, scores: [9000, 9000, 9000, 9000], reveal: false },
    ]
    const { receipt, expected } = await playRound(training, config, 1n, [0, 1, 2, 3], plans, EMPTY_YUMA_BOND_STATE)
    const { updates, validators: vj } = judged(receipt)

    // Scores below the floor (V1's 3000 and V2's 2500 for U4) are weight 0. V1 alone holds more
    // than kappa of the revealed stake (500 of 1,000 against 32767 / 65535, just under half), so
    // consensus is at least V1's normalised weight; V2 weighs U1 and U2 higher but holds only 300.
    // So consensus is V1's row 8000, 8200, 7800 / 24000: 3333, 3416, 3249 bps. U4 gets weight
    // from V3 (200) alone: 0.
    expect(updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 3333], [true, 3416], [true, 3249], [false, 0]])
    // The trainers' pot (700) follows incentive, which orders U2 > U1 > U3.
    const rewards = updates.map((u) => u.reward)
    expect(rewards[1]! > rewards[0]! && rewards[0]! > rewards[2]! && rewards[3] === 0n).toBe(true)
    expect(rewards.reduce((a, b) => a + b, 0n)).toBeGreaterThan(700n * E - 10n)
    // V3 put 9000 / 28500 = 31.6% of its weight on U4, which consensus does not back: deviation
    // 3159 > 3000, slashed. V1 agrees with consensus (1 bps of rounding), V2 nearly (220).
    expect(vj.map((v) => [v.deviationBps, v.slashed])).toEqual([[1, false], [220, false], [3159, true], [0, true]])
    expect(vj[0]!.reward + vj[1]!.reward).toBe(300n * E - 1n)
    expect(vj[0]!.reward > vj[1]!.reward).toBe(true)
    const slashed = stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.reason]] : []))
    expect(slashed).toEqual([
      [trainers[3]!.address, reasonOf('TRAINING_UPDATE_REJECTED')],
      [validators[2]!.address, reasonOf('TRAINING_SCORE_DEVIATION')],
      [validators[3]!.address, reasonOf('TRAINING_NO_REVEAL')],
    ])
    // Yuma 3 bonds from nothing: EMA = 0.1 x clipped weight, stored as u16 (65535 = 1). V1's
    // weights equal consensus: 0.1 x 3333..., V2's U3 (7000 / 23100 = 0.303) is below consensus.
    expect(await bondsOf(training, validators[0]!.address)).toEqual([2184, 2239, 2129, 0])
    expect(await bondsOf(training, validators[1]!.address)).toEqual([2184, 2239, 1985, 0])
    expect(await bondsOf(training, validators[3]!.address)).toEqual([0, 0, 0, 0])
    expect(expected.paid).toBe(1000n * E - 2n) // one wei of rounding left in each pot
    const [funded, slashedIn, credited, refunded] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
    expect(await balanceOf(fx, training.address)).toBe(funded + slashedIn - credited - refunded)
  })
})

describe('TrainingRounds: Yuma bonds across rounds', () => {
  test('bonds build, decay for an absent trainer, favour an incumbent over a newcomer with the same scores, and stay put for a silent validator', async () => {
    const config = yumaConfig({ rounds: 3 })
    const training = await setUp(config)
    const same = [8000, 8000, 7000]
    // Round 1: T1..T3 submit; V1 and V2 score.
    let state = EMPTY_YUMA_BOND_STATE
    let played = await playRound(training, config, 1n, [0, 1, 2], [
      { key: validators[0]!, scores: [8000, 8200, 7800] },
      { key: validators[1]!, scores: same },
    ], state)
    state = played.expected.yuma
    const v1Round1 = await bondsOf(training, validators[0]!.address)
    await postModel(fx, training, aggregator, 1n, digestOf('yuma model 1'))

    // Round 2: T3 is absent and T4 arrives (uid 3). V3 joins with V2's scores, which cover only
    // the updates it sees: T1, T2, T4.
    played = await playRound(training, config, 2n, [0, 1, 3], [
      { key: validators[0]!, scores: [8000, 8200, 7800] },
      { key: validators[1]!, scores: same },
      { key: validators[2]!, scores: same },
    ], state)
    state = played.expected.yuma
    expect(state.trainers).toEqual([0, 1, 2, 3].map((i) => trainers[i]!.address))
    const v1Round2 = await bondsOf(training, validators[0]!.address)
    // T3's column is zero this round: its bond decays by the EMA's 0.9.
    expect(v1Round2[2]).toBeLessThan(v1Round1[2]!)
    expect(Math.abs(v1Round2[2]! - Math.floor(0.9 * v1Round1[2]!))).toBeLessThanOrEqual(1)
    // T1 and T2 keep being weighted: their bonds grow.
    expect(v1Round2[0]).toBeGreaterThan(v1Round1[0]!)
    // V2 (300, bonds from round 1) and V3 (200, none) scored alike: V2 earns more per unit of stake.
    const { validators: vj } = judged(played.receipt)
    const perStake = (i: number) => (vj[i]!.reward * E) / VALIDATOR_STAKES[i]!
    expect(perStake(1)).toBeGreaterThan(perStake(2))
    await postModel(fx, training, aggregator, 2n, digestOf('yuma model 2'))

    // Round 3: V2 commits but does not reveal: slashed, and its bonds stay as they were.
    const v2Before = await bondsOf(training, validators[1]!.address)
    played = await playRound(training, config, 3n, [0, 1, 2, 3], [
      { key: validators[0]!, scores: [8000, 8200, 7800, 7000] },
      { key: validators[1]!, scores: [8000, 8000, 7000, 7000], reveal: false },
      { key: validators[2]!, scores: [8000, 8000, 7000, 7000] },
    ], state)
    expect(await bondsOf(training, validators[1]!.address)).toEqual(v2Before)
    expect(judged(played.receipt).validators[1]).toMatchObject({ revealed: false, slashed: true })
  })
})

describe('TrainingRounds: Yuma trainer uids', () => {
  test('an update committed and never revealed takes no uid, and its trainer is slashed without a vote', async () => {
    const config = yumaConfig({ rounds: 1 })
    const training = await setUp(config)
    const { receipt, expected } = await playRound(training, config, 1n, [0, 1, 2], [
      { key: validators[0]!, scores: [8000, 8000, 8000] },
      { key: validators[1]!, scores: [8000, 7000, 8000] },
    ], EMPTY_YUMA_BOND_STATE, [1])
    // T1 and T3 revealed (uids 0 and 1); T2 did not.
    expect(expected.yuma.trainers).toEqual([trainers[0]!.address, trainers[2]!.address])
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'trainerUid', args: [trainers[1]!.address] })).toEqual([false, 0n])
    expect(expected.updates.map((u) => [u.fate, u.accepted, u.slashed])).toEqual([['judged', true, false], ['not-revealed', false, true], ['judged', true, false]])
    const slashed = stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.amount, e.args.reason]] : []))
    expect(slashed).toEqual([[trainers[1]!.address, 10n * E, reasonOf('TRAINING_UPDATE_NOT_REVEALED')]])
  })

  test('with every uid held, a newcomer takes the uid of a trainer absent from the round, is judged and not slashed', async () => {
    const config = yumaConfig({ rounds: 2, maxUpdates: 2 })
    const training = await setUp(config)
    const plans = [{ key: validators[0]!, scores: [8000, 8000] }, { key: validators[1]!, scores: [8000, 8000] }]
    const first = await playRound(training, config, 1n, [0, 1], plans, EMPTY_YUMA_BOND_STATE)
    expect(first.expected.yuma.trainers).toHaveLength(2) // every uid is taken
    await postModel(fx, training, aggregator, 1n, digestOf('yuma model 1'))
    // Round 2: T1 comes back; T3, new, commits while no uid is free, and T2 sits it out.
    const newcomer = trainers[2]!
    await submitUpdate(fx, training, trainers[0]!, 2n, digestOf('again'))
    await submitUpdate(fx, training, newcomer, 2n, digestOf('newcomer'))
    await toUpdateReveal(fx, training, 2n)
    await revealPendingUpdates(fx, training, 2n)
    await scoreRound(fx, training, 2n, plans)
    const receipt = await settleRound(fx, training, proposer, 2n)
    // T1 is judged in this round, so its uid is not taken; T2's is (both are still immune).
    const assigned = trainingEvents(receipt).flatMap((e) => (e.eventName === 'TrainerUidAssigned' ? [e.args] : []))
    expect(assigned).toEqual([{ round: 2n, uid: 1n, trainer: newcomer.address, replaced: trainers[1]!.address }])
    const judged = trainingEvents(receipt).flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.trainer, e.args.accepted]] : []))
    expect(judged).toEqual([[trainers[0]!.address, true], [newcomer.address, true]])
    const slashed = stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' ? [e.args.owner] : []))
    expect(slashed).toEqual([])
  })
})
