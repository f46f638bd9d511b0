import { beforeAll, describe, expect, test } from 'vitest'
import { encodeAbiParameters, keccak256 } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, rewardsOf } from '../helpers/balances.js'
import { advancePast } from '../helpers/task-flow.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import {
  AGGREGATOR,
  CONSENSUS,
  ROUND_STATUS,
  VALIDATOR,
  createTrainingCast,
  digestOf,
  postModel,
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
} from '../helpers/training-flow.js'
import type { Training, TrainingConfig, ValidatorPlan } from '../helpers/training-flow.js'

/**
 * Whole rounds with numbers checked by hand: Flock and MedianScore with 4 trainers (one bad) and
 * 4 validators of unequal stake (one deviating, one lazy), free riders and copies, rounds where
 * nobody reveals, and a two-round training that finishes with nothing left behind.
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

/** A fresh open task, everyone staked (trainers 100 each, validators 500/300/200/100), then its training. */
function setUp(config: TrainingConfig): Promise<{ taskId: bigint; training: Training }> {
  return setUpTraining({ fx, proposer, verifiers, trainers, validators, aggregators: [aggregator] }, { config, label: `flows ${tasks++}` })
}

async function books(training: Training) {
  const [funded, slashedIn, credited, refunded] = await fx.ledger.client.readContract({ ...training, functionName: 'books' })
  return { funded, slashedIn, credited, refunded }
}

/** The clone holds exactly what its books say. */
async function expectBalanced(training: Training): Promise<void> {
  const b = await books(training)
  expect(await balanceOf(fx, training.address)).toBe(b.funded + b.slashedIn - b.credited - b.refunded)
}

/** Slashed events of a receipt as owner → [amount, reason, beneficiary]. */
function slashes(receipt: TransactionReceipt): Map<Address, [bigint, Hex, Address]> {
  const out = new Map<Address, [bigint, Hex, Address]>()
  for (const e of stakeEvents(fx, receipt)) {
    if (e.eventName === 'Slashed') out.set(e.args.owner, [e.args.amount, e.args.reason, e.args.beneficiary])
  }
  return out
}

function judged(receipt: TransactionReceipt) {
  const events = trainingEvents(receipt)
  return {
    updates: events.flatMap((e) => (e.eventName === 'UpdateJudged' ? [e.args] : [])),
    validators: events.flatMap((e) => (e.eventName === 'ValidatorJudged' ? [e.args] : [])),
    settled: events.flatMap((e) => (e.eventName === 'RoundSettled' ? [e.args] : []))[0],
  }
}

// Scores (bps) of updates U1..U4 by V1..V3; U4 is the bad update, V3 is noisy.
const SCORES = {
  v1: [8000, 8200, 7800, 3000],
  v2: [8100, 8000, 7000, 2500],
  v3: [6000, 8500, 5000, 9000],
}

async function playRound(training: Training, plans: (owner: number) => ValidatorPlan): Promise<{ receipt: TransactionReceipt; rewardsBefore: bigint[] }> {
  for (const [i, t] of trainers.entries()) await submitUpdate(fx, training, t, 1n, digestOf(`update ${training.address} ${i}`), 100 + i)
  await scoreRound(fx, training, 1n, validators.map((_, i) => plans(i)))
  const rewardsBefore = await Promise.all([...trainers, ...validators].map((a) => rewardsOf(fx, a.address)))
  const receipt = await settleRound(fx, training, proposer, 1n)
  return { receipt, rewardsBefore }
}

async function rewardDeltas(rewardsBefore: bigint[]): Promise<bigint[]> {
  const after = await Promise.all([...trainers, ...validators].map((a) => rewardsOf(fx, a.address)))
  return after.map((a, i) => a - rewardsBefore[i]!)
}

describe('TrainingRounds: Flock round by hand', () => {
  test('accepts U1-U3, rejects and slashes U4, slashes the deviating V3 and the silent V4, pays the rest exactly', async () => {
    const { training } = await setUp(trainingConfig({ consensus: CONSENSUS.flock }))
    const plans = (i: number): ValidatorPlan => {
      const key = validators[i]!
      if (i === 3) return { key, scores: [9000, 9000, 9000, 9000], reveal: false }
      return { key, scores: [SCORES.v1, SCORES.v2, SCORES.v3][i]! }
    }
    const { receipt, rewardsBefore } = await playRound(training, plans)

    // Bars: V1 max(5000, 0.9 x lower median 7800) = 7020; V2 max(5000, 0.9 x 7000) = 6300;
    // V3 max(5000, 0.9 x 6000) = 5400. Passing stake of U1..U4: 1000, 1000, 800 (V1+V2), 200 (V3).
    const { updates, validators: vj, settled } = judged(receipt)
    expect(updates.map((u) => [u.index, u.accepted, u.consensusScore])).toEqual([[0n, true, 10000], [1n, true, 10000], [2n, true, 8000], [3n, false, 2000]])
    // Trainers' pot 700: 700 x 10000 / 28000 = 250, 250, and 700 x 8000 / 28000 = 200.
    expect(updates.map((u) => u.reward)).toEqual([250n * E, 250n * E, 200n * E, 0n])
    // V3 differs from the outcome on U3 and U4: deviation 2/4 = 5000 bps > 3000, slashed.
    // Validators' pot 300 split by stake x (10000 - 0) between V1 (500) and V2 (300).
    expect(vj.map((v) => [v.validator, v.revealed, v.deviationBps, v.reward, v.slashed])).toEqual([
      [validators[0]!.address, true, 0, 187_500_000_000_000_000_000n, false],
      [validators[1]!.address, true, 0, 112_500_000_000_000_000_000n, false],
      [validators[2]!.address, true, 5000, 0n, true],
      [validators[3]!.address, false, 0, 0n, true],
    ])
    expect(settled).toEqual({ round: 1n, accepted: 3n, rejected: 1n, paid: 1000n * E })

    expect(await rewardDeltas(rewardsBefore)).toEqual([250n * E, 250n * E, 200n * E, 0n, 187_500_000_000_000_000_000n, 112_500_000_000_000_000_000n, 0n, 0n])
    const s = slashes(receipt)
    expect(s.get(trainers[3]!.address)).toEqual([10n * E, reasonOf('TRAINING_UPDATE_REJECTED'), training.address])
    expect(s.get(validators[2]!.address)).toEqual([40n * E, reasonOf('TRAINING_SCORE_DEVIATION'), training.address])
    expect(s.get(validators[3]!.address)).toEqual([20n * E, reasonOf('TRAINING_NO_REVEAL'), training.address])
    expect(s.size).toBe(3)
    // Evidence names the training, the round and the update index (or validator).
    const evidence = stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' && e.args.owner === trainers[3]!.address ? [e.args.evidence] : []))
    expect(evidence).toEqual([keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }], [training.address, 1n, 3n]))])

    expect(await books(training)).toEqual({ funded: 2000n * E, slashedIn: 70n * E, credited: 1000n * E, refunded: 0n })
    await expectBalanced(training)
    expect((await roundInfo(fx, training, 1n)).status).toBe(ROUND_STATUS.settled)
  })
})

describe('TrainingRounds: MedianScore round by hand', () => {
  test('takes the stake-weighted median per update and pays by closeness to it', async () => {
    const { training } = await setUp(trainingConfig({ consensus: CONSENSUS.medianScore, deviationBoundBps: 2000 }))
    const v2 = [8100, 8000, 7000, 2000]
    const plans = (i: number): ValidatorPlan => {
      const key = validators[i]!
      if (i === 3) return { key, scores: [1, 2, 3, 4], reveal: false }
      return { key, scores: [SCORES.v1, v2, SCORES.v3][i]! }
    }
    const { receipt, rewardsBefore } = await playRound(training, plans)

    // Weighted medians (half of 1000 stake reached): U1 8000 (V3 6000 has 200, V1 8000 brings 700),
    // U2 8200, U3 7000 (V3 200 + V2 300 = 500), U4 3000. Bar: max(5000, 0.9 x lower median 7000) = 6300.
    const { updates, validators: vj, settled } = judged(receipt)
    expect(updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 8000], [true, 8200], [true, 7000], [false, 3000]])
    // 700 DEAI pro rata to 8000 : 8200 : 7000 (sum 23200), floored; 1 wei stays.
    expect(updates.map((u) => u.reward)).toEqual([241379310344827586206n, 247413793103448275862n, 211206896551724137931n, 0n])
    // Deviations: V1 (0 + 0 + 800 + 0) / 4 = 200; V2 (100 + 200 + 0 + 1000) / 4 = 325;
    // V3 (2000 + 300 + 2000 + 6000) / 4 = 2575 > 2000, slashed. Pot 300 by 500 x 9800 : 300 x 9675.
    expect(vj.map((v) => [v.deviationBps, v.reward, v.slashed])).toEqual([
      [200, 188401153476449855815n, false],
      [325, 111598846523550144184n, false],
      [2575, 0n, true],
      [0, 0n, true],
    ])
    const paid = 699999999999999999999n + 299999999999999999999n
    expect(settled).toEqual({ round: 1n, accepted: 3n, rejected: 1n, paid })
    const deltas = await rewardDeltas(rewardsBefore)
    expect(deltas.slice(0, 6)).toEqual([...updates.map((u) => u.reward), 188401153476449855815n, 111598846523550144184n])
    expect(await books(training)).toEqual({ funded: 2000n * E, slashedIn: 70n * E, credited: paid, refunded: 0n })
    await expectBalanced(training)
  })
})

describe('TrainingRounds: ties', () => {
  test('Flock needs strictly more than half the stake; the weighted median takes the value where half is reached', async () => {
    // V1 holds 500 of 1,000: exactly half.
    const flock = await setUp(trainingConfig({ consensus: CONSENSUS.flock }))
    await submitUpdate(fx, flock.training, trainers[0]!, 1n, digestOf('tie a'))
    await submitUpdate(fx, flock.training, trainers[1]!, 1n, digestOf('tie b'))
    await scoreRound(fx, flock.training, 1n, [
      { key: validators[0]!, scores: [9000, 9000] },
      { key: validators[1]!, scores: [9000, 1000] },
      { key: validators[2]!, scores: [9000, 1000] },
    ])
    const f = judged(await settleRound(fx, flock.training, proposer, 1n))
    expect(f.updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 10000], [false, 5000]])
    expect(f.validators.map((v) => [v.deviationBps, v.slashed])).toEqual([[5000, true], [0, false], [0, false]])

    // Column U1: 5000 (200), 6000 (300) reach 500 = half, so the median is 6000, not 9000.
    const median = await setUp(trainingConfig({ consensus: CONSENSUS.medianScore }))
    await submitUpdate(fx, median.training, trainers[0]!, 1n, digestOf('tie c'))
    await submitUpdate(fx, median.training, trainers[1]!, 1n, digestOf('tie d'))
    await scoreRound(fx, median.training, 1n, [
      { key: validators[0]!, scores: [9000, 8000] },
      { key: validators[1]!, scores: [6000, 8000] },
      { key: validators[2]!, scores: [5000, 8000] },
    ])
    const m = judged(await settleRound(fx, median.training, proposer, 1n))
    expect(m.updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 6000], [true, 8000]])
  })
})

describe('TrainingRounds: validator weights', () => {
  test('a validator weighs the smaller of its stake at commit and at settlement: late top-ups buy nothing, unstaking loses weight', async () => {
    // V1 (500) passes U2, V2 (300) fails it. V2 adds 1,000 after the reveals: V1 still decides.
    const topUp = await setUp(trainingConfig())
    await submitUpdate(fx, topUp.training, trainers[0]!, 1n, digestOf('w a'))
    await submitUpdate(fx, topUp.training, trainers[1]!, 1n, digestOf('w b'))
    const plans = [{ key: validators[0]!, scores: [8000, 8000] }, { key: validators[1]!, scores: [8000, 1000] }]
    await scoreRound(fx, topUp.training, 1n, plans)
    await stakeAs(fx, validators[1]!, topUp.taskId, 'validator', 1000n * E)
    const a = judged(await settleRound(fx, topUp.training, proposer, 1n))
    // U2: 500 of 800 pass (V2 counts 300, not 1,300), accepted with 6250; V2 deviates and is slashed.
    expect(a.updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 10000], [true, 6250]])
    expect(a.validators.map((v) => [v.deviationBps, v.reward, v.slashed])).toEqual([[0, 300n * E, false], [5000, 0n, true]])

    // V1 starts withdrawing 400 before settlement: it weighs 100 against 300, and U2 fails.
    const unstake = await setUp(trainingConfig())
    await submitUpdate(fx, unstake.training, trainers[0]!, 1n, digestOf('w c'))
    await submitUpdate(fx, unstake.training, trainers[1]!, 1n, digestOf('w d'))
    await scoreRound(fx, unstake.training, 1n, plans)
    await writeContract(fx.ledger, validators[0]!, { ...fx.stakeManager, functionName: 'requestUnstake', args: [unstake.taskId, VALIDATOR, 400n * E] })
    const settled = await settleRound(fx, unstake.training, proposer, 1n)
    const b = judged(settled)
    expect(b.updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[true, 10000], [false, 2500]])
    // V1 now deviates on U2 (5000 > 3000) and is slashed 20% of its 500 (active 100 + unbonding 400).
    expect(b.validators.map((v) => [v.deviationBps, v.slashed])).toEqual([[5000, true], [0, false]])
    expect(slashes(settled).get(validators[0]!.address)?.[0]).toBe(100n * E)
  })
})

describe('TrainingRounds: automatic rejections and silent rounds', () => {
  test('a free rider (the global model) and a copy are rejected and slashed without a vote', async () => {
    const { training } = await setUp(trainingConfig())
    const initial = (await roundInfo(fx, training, 1n)).modelDigest
    expect(initial).toBe(digestOf('initial model'))
    const honest = digestOf('honest update')
    await submitUpdate(fx, training, trainers[0]!, 1n, initial) // free rider
    await submitUpdate(fx, training, trainers[1]!, 1n, honest)
    await submitUpdate(fx, training, trainers[2]!, 1n, honest) // copies T2
    await submitUpdate(fx, training, trainers[3]!, 1n, initial) // another free rider
    // Validators score the free riders and the copy well: it does not matter, they are not judged.
    await scoreRound(fx, training, 1n, [
      { key: validators[0]!, scores: [9000, 8000, 8000, 9000] },
      { key: validators[1]!, scores: [9000, 7000, 7000, 9000] },
    ])
    const receipt = await settleRound(fx, training, proposer, 1n)
    const { updates, validators: vj } = judged(receipt)
    expect(updates.map((u) => [u.accepted, u.consensusScore, u.reward])).toEqual([[false, 0, 0n], [true, 10000, 700n * E], [false, 0, 0n], [false, 0, 0n]])
    // Only U2 was judged, and both validators passed it: no deviation.
    expect(vj.map((v) => [v.deviationBps, v.reward])).toEqual([[0, 187_500_000_000_000_000_000n], [0, 112_500_000_000_000_000_000n]])
    const s = slashes(receipt)
    expect(s.get(trainers[0]!.address)?.[1]).toBe(reasonOf('TRAINING_FREE_RIDING'))
    expect(s.get(trainers[2]!.address)?.[1]).toBe(reasonOf('TRAINING_COPIED_UPDATE'))
    expect(s.get(trainers[3]!.address)?.[1]).toBe(reasonOf('TRAINING_FREE_RIDING'))
    expect(s.has(trainers[1]!.address)).toBe(false)
    await expectBalanced(training)
  })

  test('when every update is auto-rejected the revealed validators still share their pot', async () => {
    const { training } = await setUp(trainingConfig())
    const initial = (await roundInfo(fx, training, 1n)).modelDigest
    await submitUpdate(fx, training, trainers[0]!, 1n, initial)
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [5000] }, { key: validators[2]!, scores: [100] }])
    const receipt = await settleRound(fx, training, proposer, 1n)
    const { updates, validators: vj, settled } = judged(receipt)
    expect(updates.map((u) => u.accepted)).toEqual([false])
    // 300 split 500 : 200.
    expect(vj.map((v) => v.reward)).toEqual([214285714285714285714n, 85714285714285714285n])
    expect(settled?.paid).toBe(299999999999999999999n)
    await expectBalanced(training)
  })

  test('with no reveal nothing is accepted or paid, and only the silent committers are slashed', async () => {
    const { training } = await setUp(trainingConfig())
    const initial = (await roundInfo(fx, training, 1n)).modelDigest
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('good'))
    await submitUpdate(fx, training, trainers[1]!, 1n, initial) // a free rider escapes without a consensus
    await scoreRound(fx, training, 1n, [
      { key: validators[0]!, scores: [9000, 9000], reveal: false },
      { key: validators[1]!, scores: [9000, 9000], reveal: false },
    ])
    const receipt = await settleRound(fx, training, proposer, 1n)
    const { updates, validators: vj, settled } = judged(receipt)
    expect(updates.map((u) => [u.accepted, u.reward])).toEqual([[false, 0n], [false, 0n]])
    expect(vj.map((v) => [v.revealed, v.slashed])).toEqual([[false, true], [false, true]])
    expect(settled).toEqual({ round: 1n, accepted: 0n, rejected: 2n, paid: 0n })
    const s = slashes(receipt)
    expect([...s.keys()]).toEqual([validators[0]!.address, validators[1]!.address])
    expect([...s.values()].map((v) => v[0])).toEqual([100n * E, 60n * E])
    expect(await books(training)).toEqual({ funded: 2000n * E, slashedIn: 160n * E, credited: 0n, refunded: 0n })
    await expectBalanced(training)
  })

  test('a round with no submissions settles with nothing to do', async () => {
    const { training } = await setUp(trainingConfig())
    await scoreRound(fx, training, 1n, [])
    const receipt = await settleRound(fx, training, proposer, 1n)
    expect(judged(receipt).settled).toEqual({ round: 1n, accepted: 0n, rejected: 0n, paid: 0n })
  })

  test('a round with no accepted update pays no trainer; the validators are still paid', async () => {
    const { training } = await setUp(trainingConfig({ acceptFloorBps: 9500 }))
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('weak a'))
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('weak b'))
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [6000, 7000] }, { key: validators[1]!, scores: [6100, 7100] }])
    const receipt = await settleRound(fx, training, proposer, 1n)
    const { updates, settled } = judged(receipt)
    expect(updates.map((u) => [u.accepted, u.consensusScore])).toEqual([[false, 0], [false, 0]])
    expect(settled).toEqual({ round: 1n, accepted: 0n, rejected: 2n, paid: 300n * E })
    expect([...slashes(receipt).values()].map((v) => v[0])).toEqual([10n * E, 10n * E])
    await expectBalanced(training)
  })
})

describe('TrainingRounds: a whole training', () => {
  test('two rounds, a posted model per round, then finish returns every remaining token to the proposer (nobody was slashed)', async () => {
    const config = trainingConfig({ rounds: 2 })
    const { taskId, training } = await setUp(config)
    // V1 (500) and V3 (200) split 300 DEAI 5 : 7ths and 2 : 7ths, leaving 1 wei a round.
    const plans = [{ key: validators[0]!, scores: [8000, 8000] }, { key: validators[2]!, scores: [8000, 7000] }]
    for (const round of [1n, 2n]) {
      await submitUpdate(fx, training, trainers[0]!, round, digestOf(`r${round} a`))
      await submitUpdate(fx, training, trainers[1]!, round, digestOf(`r${round} b`))
      await scoreRound(fx, training, round, plans)
      await settleRound(fx, training, proposer, round)
      await expectBalanced(training)
      const posted = await postModel(fx, training, aggregator, round, digestOf(`model ${round}`))
      const opened = trainingEvents(posted).find((e) => e.eventName === 'RoundOpened')
      if (round === 1n) expect(opened?.args).toMatchObject({ round: 2n, modelDigest: digestOf('model 1') })
      else expect(opened).toBeUndefined()
    }
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'currentRound' })).toBe(2n)
    const model = await fx.ledger.client.readContract({ ...training, functionName: 'modelInfo', args: [2n] })
    await advancePast(fx, model.postedAt + config.disputePeriod)
    const proposerBefore = await balanceOf(fx, proposer.address)
    const held = await balanceOf(fx, training.address)
    expect(held).toBe(2n)
    const receipt = await writeContract(fx.ledger, aggregator, { ...training, functionName: 'finish', args: [] })
    // Nobody was slashed: nothing goes to the treasury.
    expect(trainingEvents(receipt).find((e) => e.eventName === 'TrainingFinished')?.args).toEqual({ refund: held, toTreasury: 0n })
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + held)
    expect(await balanceOf(fx, training.address)).toBe(0n)
    const b = await books(training)
    expect(b.funded + b.slashedIn - b.credited - b.refunded).toBe(0n)
    expect(model.aggregator).toBe(aggregator.address)
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'finished' })).toBe(true)
    // The task's other pools were never touched by this training.
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [taskId, AGGREGATOR, aggregator.address] })).toBe(100n * E)
  })
})
