import { describe, expect, test } from 'vitest'
import { acceptanceBar, lowerMedian, stakeWeightedMedian } from '../../../src/mechanisms/consensus/training/acceptance.js'
import { flockJudgement } from '../../../src/mechanisms/consensus/training/flock.js'
import { medianScoreJudgement } from '../../../src/mechanisms/consensus/training/median-score.js'
import { settleTrainingRound } from '../../../src/mechanisms/consensus/training/settle-round.js'
import { simulateTrainingRounds } from '../../../src/mechanisms/consensus/training/simulate-rounds.js'
import { EMPTY_YUMA_BOND_STATE, YUMA_IMMUNITY_ROUNDS, registerTrainerUids, yumaJudgement, yumaUidToPrune } from '../../../src/mechanisms/consensus/training/yuma-round.js'

/** The training rules as pure functions (the contract's own tests hold the chain to them). */

// U1..U4 scored by V1 (500), V2 (300), V3 (200), as in the contract's hand-checked flows.
const SCORES = [
  [8000, 8200, 7800, 3000],
  [8100, 8000, 7000, 2500],
  [6000, 8500, 5000, 9000],
]
const STAKES = [500n, 300n, 200n]
const round = { scores: SCORES, stakes: STAKES, acceptFloorBps: 5000, acceptRelativeBps: 9000 }

describe('acceptance', () => {
  test('lower median, bar and stake-weighted median', () => {
    expect(lowerMedian([4, 1, 3, 2])).toBe(2)
    expect(lowerMedian([5])).toBe(5)
    expect(acceptanceBar(5000, 9000, 7800)).toBe(7020)
    expect(acceptanceBar(5000, 9000, 5000)).toBe(5000)
    // 5000 (200) and 6000 (300) reach half of 1,000 exactly: 6000.
    expect(stakeWeightedMedian([9000, 6000, 5000], [500n, 300n, 200n], 1000n)).toBe(6000)
  })
})

describe('flock and median-score', () => {
  test('flock passes by each validator\'s own bar and accepts with more than half the stake', () => {
    const j = flockJudgement(round)
    expect(j.accepted).toEqual([true, true, true, false])
    expect(j.consensus).toEqual([10000, 10000, 8000, 2000])
    expect(j.share).toEqual([10000n, 10000n, 8000n, 2000n])
    expect(j.deviation).toEqual([0, 0, 5000])
    expect(j.weight).toEqual([5_000_000n, 3_000_000n, 1_000_000n])
  })

  test('median-score takes the stake-weighted median per update and measures deviation from it', () => {
    const j = medianScoreJudgement({ ...round, scores: [SCORES[0]!, [8100, 8000, 7000, 2000], SCORES[2]!] })
    expect(j.consensus).toEqual([8000, 8200, 7000, 3000])
    expect(j.accepted).toEqual([true, true, true, false])
    expect(j.deviation).toEqual([200, 325, 2575])
  })
})

describe('yuma', () => {
  const input = { ...round, validators: ['v1', 'v2', 'v3'], trainers: ['t1', 't2', 't3', 't4'] }

  test('consensus follows V1 (more than kappa of the stake); U4, weighted by V3 alone, has none', () => {
    const { judgement, state } = yumaJudgement(input, EMPTY_YUMA_BOND_STATE)
    expect(judgement.consensus).toEqual([3333, 3416, 3249, 0])
    expect(judgement.accepted).toEqual([true, true, true, false])
    expect(judgement.deviation).toEqual([1, 220, 3159])
    expect(state.trainers).toEqual(['t1', 't2', 't3', 't4'])
    expect(state.bonds.get('v1')).toEqual([2184, 2239, 2129, 0])
    // The incentive orders the pay: U2 > U1 > U3 > U4 = 0.
    const [a, b, c, d] = judgement.share
    expect(b! > a! && a! > c! && d === 0n).toBe(true)
  })

  test('the input state is left as it was; a trainer absent from the next round keeps its uid and its bonds decay', () => {
    const first = yumaJudgement(input, EMPTY_YUMA_BOND_STATE)
    expect(EMPTY_YUMA_BOND_STATE.trainers).toEqual([])
    const second = yumaJudgement({ ...input, scores: SCORES.map((row) => row.slice(0, 3)), trainers: ['t1', 't2', 't4'] }, first.state)
    expect(second.state.trainers).toEqual(['t1', 't2', 't3', 't4'])
    const before = first.state.bonds.get('v1')!
    const after = second.state.bonds.get('v1')!
    expect(after[2]).toBeLessThan(before[2]!) // t3, absent: 0.9 of its bond
    expect(after[0]).toBeGreaterThan(before[0]!)
    expect(first.state.bonds.get('v1')).toEqual(before)
  })

  test('a validator that gives no weight is measured as flock would measure one that fails every update', () => {
    const { judgement } = yumaJudgement({ ...input, scores: [SCORES[0]!, SCORES[1]!, [100, 100, 100, 100]] }, EMPTY_YUMA_BOND_STATE)
    expect(judgement.deviation[2]).toBe(7500) // 3 of 4 accepted
  })

  test('uids are assigned once, in order, while there are free slots', () => {
    const state = registerTrainerUids(registerTrainerUids(EMPTY_YUMA_BOND_STATE, ['a', 'b'], 1, 4), ['b', 'c', 'a'], 2, 4)
    expect(state.trainers).toEqual(['a', 'b', 'c'])
    expect(state.registeredRound).toEqual([1, 1, 2])
    expect(registerTrainerUids(state, ['c'], 3, 4)).toBe(state)
  })

  test('a newcomer takes the uid with the lowest score outside immunity, never one judged in the same round', () => {
    const full = { ...registerTrainerUids(EMPTY_YUMA_BOND_STATE, ['a', 'b', 'c'], 1, 3), score: [500, 100, 300] }
    // Round 1 + immunity: everyone is past it; b has the lowest score, but b is judged this round.
    const round = 1 + YUMA_IMMUNITY_ROUNDS
    expect(yumaUidToPrune(full, round, new Set([1]))).toBe(2)
    const next = registerTrainerUids(full, ['b', 'd'], round, 3)
    expect(next.trainers).toEqual(['a', 'b', 'd'])
    expect(next.registeredRound).toEqual([1, 1, round])
    expect(next.score).toEqual([500, 100, 0])
    // Ties in score go to the earlier registration, then the lower uid; immune holders only when no one else is left.
    const tied = { ...next, score: [0, 0, 0] }
    expect(yumaUidToPrune(tied, round, new Set())).toBe(0)
    expect(yumaUidToPrune(tied, round, new Set([0, 1]))).toBe(2)
  })
})

describe('settlement and simulation', () => {
  test('settles free riders and copies without a vote, and pays the pots', () => {
    const outcome = settleTrainingRound({
      rule: 'median-score', acceptFloorBps: 5000, acceptRelativeBps: 0, deviationBoundBps: 3000, trainerShareBps: 7000,
      emission: 1000n, modelDigest: 'model',
      submissions: [{ trainer: 't1', digest: 'a' }, { trainer: 't2', digest: 'b' }, { trainer: 't3', digest: 'model' }, { trainer: 't4', digest: 'a' }],
      validators: [{ owner: 'v1', stake: 10n, scores: [9000, 1000, 9000, 9000] }, { owner: 'v2', stake: 5n }],
    })
    expect(outcome.updates.map((u) => [u.fate, u.accepted, u.reward, u.slashed])).toEqual([
      ['judged', true, 700n, false],
      ['judged', false, 0n, true],
      ['free-riding', false, 0n, true],
      ['copied', false, 0n, true],
    ])
    expect(outcome.validators.map((v) => [v.revealed, v.reward, v.slashed])).toEqual([[true, 300n, false], [false, 0n, true]])
    expect(outcome.paid).toBe(1000n)
  })

  test('simulates rounds with Yuma\'s bonds carried over, and sums everyone\'s rewards', () => {
    const config = { rule: 'yuma' as const, acceptFloorBps: 5000, acceptRelativeBps: 8000, deviationBoundBps: 2500, trainerShareBps: 7000, emission: 1000n }
    const result = simulateTrainingRounds(config, 5, () => ({
      trainers: ['t1', 't2'],
      validators: [{ id: 'v1', stake: 3n, scores: [9000, 7000] }, { id: 'v2', stake: 1n, scores: [8800, 7200] }],
    }))
    expect(result.rounds).toHaveLength(5)
    expect(result.rewards.get('t1')! > result.rewards.get('t2')!).toBe(true)
    const total = [...result.rewards.values()].reduce((a, b) => a + b, 0n)
    expect(total).toBe(result.rounds.reduce((sum, r) => sum + r.outcome.paid, 0n))
    expect(result.yuma.bonds.get('v1')!.every((b) => b > 0)).toBe(true)
    expect(result.slashed.size).toBe(0)
  })
})
