import { describe, expect, test } from 'vitest'
import { decentralization } from '../../../src/mechanisms/metrics/decentralization.js'
import { ratio, toShares } from '../../../src/mechanisms/metrics/distribution.js'
import { normalizedEntropy } from '../../../src/mechanisms/metrics/entropy.js'
import { gini } from '../../../src/mechanisms/metrics/gini.js'
import { herfindahlHirschmanIndex } from '../../../src/mechanisms/metrics/hhi.js'
import { topKShare } from '../../../src/mechanisms/metrics/top-k-share.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

describe('gini', () => {
  test('hand-computed cases', () => {
    // Σ|xi − xj| over ordered pairs = 20, 2·n·Σx = 80.
    expect(gini([1, 2, 3, 4])).toBeCloseTo(0.25, 12)
    expect(gini([4, 3, 2, 1])).toBeCloseTo(0.25, 12)
    expect(gini([0, 0, 0, 7])).toBeCloseTo(0.75, 12)
    expect(gini([1, 3])).toBeCloseTo(0.25, 12) // |1 − 3|·2 / (2·2·4)
    expect(gini([5, 5, 5])).toBe(0)
    expect(gini([9])).toBe(0)
  })

  test('bigint amounts give the same value as numbers', () => {
    expect(gini([1n, 2n, 3n, 4n])).toBeCloseTo(0.25, 12)
    expect(gini([10n ** 24n, 3n * 10n ** 24n])).toBeCloseTo(0.25, 12)
  })

  test('is scale invariant and 0 when nothing is held', () => {
    expect(gini([2, 4, 6, 8])).toBeCloseTo(gini([1, 2, 3, 4]), 12)
    expect(gini([])).toBe(0)
    expect(gini([0, 0])).toBe(0)
  })
})

describe('herfindahlHirschmanIndex', () => {
  test('hand-computed cases', () => {
    expect(herfindahlHirschmanIndex([1, 2, 3, 4])).toBeCloseTo(0.01 + 0.04 + 0.09 + 0.16, 12)
    expect(herfindahlHirschmanIndex([1, 1, 1, 1])).toBeCloseTo(0.25, 12)
    expect(herfindahlHirschmanIndex([0, 0, 8])).toBe(1)
    expect(herfindahlHirschmanIndex([3n, 1n])).toBeCloseTo(0.625, 12)
  })

  test('is 0 when nothing is held', () => {
    expect(herfindahlHirschmanIndex([])).toBe(0)
    expect(herfindahlHirschmanIndex([0n])).toBe(0)
  })
})

describe('normalizedEntropy', () => {
  test('hand-computed cases', () => {
    expect(normalizedEntropy([1, 1, 1, 1])).toBeCloseTo(1, 12)
    expect(normalizedEntropy([5, 5, 0, 0])).toBeCloseTo(0.5, 12) // ln 2 / ln 4
    expect(normalizedEntropy([1, 0, 0])).toBe(0)
    // Shares 1/2, 1/4, 1/4: H = 1.5 ln 2, normalised by ln 3.
    expect(normalizedEntropy([2n, 1n, 1n])).toBeCloseTo((1.5 * Math.LN2) / Math.log(3), 12)
  })

  test('a single entity, an empty and an all-zero distribution give 0', () => {
    expect(normalizedEntropy([42])).toBe(0)
    expect(normalizedEntropy([])).toBe(0)
    expect(normalizedEntropy([0, 0])).toBe(0)
  })
})

describe('topKShare', () => {
  test('adds up the k largest shares', () => {
    expect(topKShare([10, 40, 30, 20], 1)).toBeCloseTo(0.4, 12)
    expect(topKShare([10, 40, 30, 20], 2)).toBeCloseTo(0.7, 12)
    expect(topKShare([10, 40, 30, 20], 10)).toBe(1)
    expect(topKShare([10, 40, 30, 20], 0)).toBe(0)
    expect(topKShare([1n, 1n, 1n], 1)).toBe(1 / 3)
    expect(topKShare([], 3)).toBe(0)
  })

  test('rejects a bad k', () => {
    expectDeaiErrorSync(() => topKShare([1], -1), 'METRICS_INVALID_OPTION')
    expectDeaiErrorSync(() => topKShare([1], 1.5), 'METRICS_INVALID_OPTION')
  })
})

describe('ratio and toShares', () => {
  test('ratio rounds the exact quotient once', () => {
    expect(ratio(1n, 3n)).toBe(1 / 3)
    expect(ratio(2n, 3n)).toBe(2 / 3)
    expect(ratio(10n ** 24n, 3n * 10n ** 24n)).toBe(1 / 3)
    expect(ratio(0n, 5n)).toBe(0)
    expect(ratio(7n, 7n)).toBe(1)
    // 2^60 + 1 over 2^61: the +1 is far below double precision.
    expect(ratio(2n ** 60n + 1n, 2n ** 61n)).toBe(0.5)
  })

  test('toShares rejects mixed or invalid amounts', () => {
    expectDeaiErrorSync(() => toShares([1, 2n] as unknown as number[]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => toShares('abc' as unknown as number[]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => toShares([-0.5]), 'METRICS_INVALID_VALUE')
  })
})

describe('decentralization', () => {
  test('returns every metric of one distribution', () => {
    const m = decentralization([100n, 50n, 25n, 25n, 0n])
    expect(m.entities).toBe(5)
    expect(m.holders).toBe(4)
    expect(m.nakamotoOneThird).toBe(1) // 50% > 33.3%
    expect(m.nakamotoOneHalf).toBe(2) // 50% is not > 50%; 75% is
    expect(m.hhi).toBeCloseTo(0.25 + 0.0625 + 0.015625 * 2, 12)
    expect(m.top1Share).toBe(0.5)
    expect(m.top5Share).toBe(1)
    expect(m.top10Share).toBe(1)
    // Ascending 0, 25, 25, 50, 100 over 200: Σ(2i − 6)x = −4·0 − 2·25 + 0 + 2·50 + 4·100 = 450.
    expect(m.gini).toBeCloseTo(450 / (5 * 200), 12)
    const h = -(0.5 * Math.log(0.5) + 0.25 * Math.log(0.25) + 2 * 0.125 * Math.log(0.125))
    expect(m.entropy).toBeCloseTo(h / Math.log(5), 12)
  })

  test('a perfectly even distribution', () => {
    const m = decentralization(Array.from({ length: 20 }, () => 7))
    expect(m).toMatchObject({ entities: 20, holders: 20, nakamotoOneThird: 7, nakamotoOneHalf: 11, gini: 0 })
    expect(m.hhi).toBeCloseTo(0.05, 12)
    expect(m.entropy).toBeCloseTo(1, 12)
    expect(m.top10Share).toBeCloseTo(0.5, 12)
  })

  test('everything is 0 for an empty distribution', () => {
    expect(decentralization([])).toEqual({
      entities: 0,
      holders: 0,
      nakamotoOneThird: 0,
      nakamotoOneHalf: 0,
      gini: 0,
      hhi: 0,
      entropy: 0,
      top1Share: 0,
      top5Share: 0,
      top10Share: 0,
    })
    expect(decentralization([0, 0]).nakamotoOneHalf).toBe(0)
  })
})
