import { describe, expect, test } from 'vitest'
import { HALF, ONE, fromF32, normalize, sum } from '../../../src/mechanisms/consensus/yuma/fixed-point.js'
import { weightedMedian, weightedMedianColumns } from '../../../src/mechanisms/consensus/yuma/weighted-median.js'

const f = fromF32

describe('weightedMedian', () => {
  test('empty and single-member partitions', () => {
    expect(weightedMedian([], [], 0, 0, 0)).toBe(0)
    expect(weightedMedian([ONE], [f(0.7)], HALF, 0, ONE)).toBe(f(0.7))
  })

  test('the score backed by the majority of stake wins', () => {
    const minority = ONE - f(0.51)
    // 0.49 of the stake says 0.5, 0.51 says 1.0.
    expect(weightedMedian([f(0.49), f(0.51)], [f(0.5), ONE], minority, 0, f(0.49) + f(0.51))).toBe(ONE)
    // Swapped stakes: 0.51 says 0.5.
    expect(weightedMedian([f(0.51), f(0.49)], [f(0.5), ONE], minority, 0, f(0.51) + f(0.49))).toBe(f(0.5))
  })

  test('equal stakes give the plain median', () => {
    const stake = [f(0.2), f(0.2), f(0.2), f(0.2), f(0.2)]
    const score = [f(0.8), f(0.2), f(1.0), f(0.6), f(0.4)]
    expect(weightedMedian(stake, score, ONE - f(0.51), 0, sum(stake))).toBe(f(0.6))
  })

  test('zero-stake members do not move the median', () => {
    const stake = [0, f(0.49), 0, f(0.51), 0]
    const score = [f(0.5), f(0.5), ONE, ONE, f(0.5)]
    expect(weightedMedian(stake, score, ONE - f(0.51), 0, sum(stake))).toBe(ONE)
  })
})

describe('weightedMedianColumns', () => {
  const third = normalize([ONE, ONE, ONE])
  // Three equal voters scoring one column 0.1, 0.5, 0.9.
  const scores = [
    { cols: [0], vals: [f(0.1)] },
    { cols: [0], vals: [f(0.5)] },
    { cols: [0], vals: [f(0.9)] },
  ]

  test('κ sets how much stake must back a level: κ = 0.5 gives the middle vote', () => {
    expect(weightedMedianColumns(third, scores, 1, HALF)).toEqual([f(0.5)])
  })

  test('a small κ lets the highest vote through, a large κ the lowest', () => {
    expect(weightedMedianColumns(third, scores, 1, f(0.2))).toEqual([f(0.9)])
    expect(weightedMedianColumns(third, scores, 1, f(0.9))).toEqual([f(0.1)])
  })

  test('rows without stake are ignored and a missing entry scores 0', () => {
    const stake = [0, ONE, ONE, ONE]
    const rows = [
      { cols: [0, 1], vals: [ONE, ONE] }, // no stake: ignored
      { cols: [0], vals: [f(0.3)] },
      { cols: [0, 1], vals: [f(0.3), f(0.8)] },
      { cols: [0], vals: [f(0.3)] },
    ]
    // Column 1: two of three voters leave it out (score 0), so its consensus is 0.
    expect(weightedMedianColumns(stake, rows, 2, HALF)).toEqual([f(0.3), 0])
  })

  test('no voters: every column is 0', () => {
    expect(weightedMedianColumns([0, 0], [{ cols: [0], vals: [ONE] }, { cols: [], vals: [] }], 2, HALF)).toEqual([0, 0])
  })
})
