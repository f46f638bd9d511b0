import { describe, expect, test } from 'vitest'
import { aggregate } from '../../../src/mechanisms/aggregation/aggregate.js'
import { trimCount, trimmedMean } from '../../../src/mechanisms/aggregation/trimmed-mean.js'
import { expectClose, permutation, randomUpdates, rng, scalars } from './helpers.js'
import { refTrimmedMean } from './reference.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 4401

describe('trimmedMean', () => {
  test('drops trunc(β·n) values from each side', () => {
    expect(trimmedMean(scalars([1, 2, 3, 4, 100]), 0.2)).toEqual(new Float32Array([3]))
    expect(trimmedMean(scalars([1, 2, 3, 103]), 0.25)).toEqual(new Float32Array([2.5]))
  })

  test('0.2·4 truncates to 0, so nothing is trimmed', () => {
    expect(trimCount(0.2, 4)).toBe(0)
    expect(trimmedMean(scalars([1, 2, 3, 103]), 0.2)).toEqual(new Float32Array([27.25]))
  })

  test('0.29·100 truncates to 28 in IEEE double', () => {
    expect(trimCount(0.29, 100)).toBe(28)
    // Values 0..99: cutting 28 per side leaves 28..71, mean 49.5; cutting 29 would too, so
    // make the sides asymmetric to tell 28 from 29.
    const values = Array.from({ length: 100 }, (_, i) => (i === 28 ? 1000 : i))
    const out = trimmedMean(scalars(values), 0.29)
    const kept = [...values].sort((a, b) => a - b).slice(28, 72)
    expectClose(out, [kept.reduce((s, v) => s + v, 0) / 44])
  })

  test("ignores weights: Flower's four clients with weights 1, 5, 2, 9", () => {
    const updates = [0.25, 0.5, 0.5, 0.75].map((v) => new Float32Array(4).fill(v))
    expect(aggregate('trimmed-mean', updates, { beta: 0.25, weights: [1, 5, 2, 9] })).toEqual(new Float32Array(4).fill(0.5))
  })

  test('defaults to β = 0.2', () => {
    expect(trimmedMean(scalars([-50, 1, 2, 3, 50]))).toEqual(new Float32Array([2]))
  })

  test('β = 0 is the unweighted mean', () => {
    const rand = rng(SEED)
    const updates = randomUpdates(rand, 9, 777)
    const mean = Float32Array.from({ length: 777 }, (_, i) => updates.reduce((s, u) => s + u[i]!, 0) / 9)
    expect(trimmedMean(updates, 0)).toEqual(mean)
  })

  test('β = 0.5 with an odd count is the median', () => {
    expect(trimmedMean(scalars([7, -3, 100, 2, 5]), 0.5)).toEqual(new Float32Array([5]))
  })

  test('matches a sort-based trimmed mean on random inputs', () => {
    const rand = rng(SEED + 1)
    for (const [n, beta] of [
      [5, 0.2],
      [10, 0.1],
      [10, 0.3],
      [23, 0.2],
      [50, 0.2],
      [50, 0.45],
    ] as const) {
      const updates = randomUpdates(rand, n, 1500)
      expectClose(trimmedMean(updates, beta), refTrimmedMean(updates, beta), 1e-6, 1e-7)
    }
  })

  test('does not depend on the order of the updates', () => {
    const rand = rng(SEED + 2)
    const updates = randomUpdates(rand, 20, 200)
    const shuffled = permutation(rand, 20).map((i) => updates[i]!)
    expectClose(trimmedMean(shuffled, 0.2), trimmedMean(updates, 0.2), 1e-6, 1e-7)
  })

  test('rejects a β that is negative, not finite, or trims everything', () => {
    const updates = scalars([1, 2, 3, 4])
    expectDeaiErrorSync(() => trimmedMean(updates, -0.1), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => trimmedMean(updates, Number.NaN), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => trimmedMean(updates, Number.POSITIVE_INFINITY), 'AGGREGATION_INVALID_OPTION')
    // β = 0.5 with an even count leaves an empty slice (Flower returns NaN with a warning).
    expectDeaiErrorSync(() => trimmedMean(updates, 0.5), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => trimmedMean(updates, 0.8), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => trimmedMean(scalars([1, Number.NaN, 3]), 0.2), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => trimmedMean(scalars([1, Number.NaN, 3, 4, 5]), 0.2), 'AGGREGATION_NON_FINITE')
  })
})
