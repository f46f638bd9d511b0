import { describe, expect, test } from 'vitest'
import { nakamotoCoefficient, simplestFraction } from '../../../src/mechanisms/metrics/nakamoto.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

describe('nakamotoCoefficient', () => {
  test('counts the largest holders until their share strictly exceeds the threshold', () => {
    expect(nakamotoCoefficient([40, 30, 20, 10])).toBe(2) // 70% > 50%
    expect(nakamotoCoefficient([10, 20, 30, 40], 1 / 3)).toBe(1) // 40% > 33.3%
    expect(nakamotoCoefficient([51, 49])).toBe(1)
    expect(nakamotoCoefficient([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 1 / 3)).toBe(4) // 30% is not > 33.3%
  })

  test('a share exactly at the threshold is not enough', () => {
    expect(nakamotoCoefficient([50, 50])).toBe(2)
    expect(nakamotoCoefficient([1, 1, 1], 1 / 3)).toBe(2)
    expect(nakamotoCoefficient([2, 1, 1])).toBe(2) // 1/2 exactly, then 3/4
    expect(nakamotoCoefficient([1n, 1n, 1n], 1 / 3)).toBe(2)
    expect(nakamotoCoefficient([1n, 1n], 1 / 2)).toBe(2)
  })

  test('bigint amounts beyond 2^53 compare exactly at a tie', () => {
    const third = 10n ** 24n + 7n
    expect(nakamotoCoefficient([third, third, third], 1 / 3)).toBe(2)
    // One wei over a third is enough.
    expect(nakamotoCoefficient([third + 1n, third, third - 1n], 1 / 3)).toBe(1)
    expect(nakamotoCoefficient([10n ** 30n, 10n ** 30n - 1n])).toBe(1)
  })

  test('reads a threshold as the simplest fraction that rounds to it', () => {
    expect(simplestFraction(1 / 3)).toEqual([1n, 3n])
    expect(simplestFraction(0.5)).toEqual([1n, 2n])
    expect(simplestFraction(2 / 3)).toEqual([2n, 3n])
    expect(simplestFraction(0.67)).toEqual([67n, 100n])
    expect(simplestFraction(0)).toEqual([0n, 1n])
    const [p, q] = simplestFraction(Math.PI / 4)
    expect(Number(p) / Number(q)).toBe(Math.PI / 4)
  })

  test('zero holders count as entities but never help', () => {
    expect(nakamotoCoefficient([0, 0, 10, 0])).toBe(1)
  })

  test('is 0 for an empty or all-zero distribution', () => {
    expect(nakamotoCoefficient([])).toBe(0)
    expect(nakamotoCoefficient([0, 0, 0])).toBe(0)
    expect(nakamotoCoefficient([0n, 0n])).toBe(0)
  })

  test('threshold 0 needs just the largest holder', () => {
    expect(nakamotoCoefficient([3, 1], 0)).toBe(1)
  })

  test('rejects a bad threshold or bad amounts', () => {
    expectDeaiErrorSync(() => nakamotoCoefficient([1], 1), 'METRICS_INVALID_OPTION')
    expectDeaiErrorSync(() => nakamotoCoefficient([1], -0.1), 'METRICS_INVALID_OPTION')
    expectDeaiErrorSync(() => nakamotoCoefficient([1], Number.NaN), 'METRICS_INVALID_OPTION')
    expectDeaiErrorSync(() => nakamotoCoefficient([1, -1]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => nakamotoCoefficient([1, Number.NaN]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => nakamotoCoefficient([1, Number.POSITIVE_INFINITY]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => nakamotoCoefficient([1n, -1n]), 'METRICS_INVALID_VALUE')
    expectDeaiErrorSync(() => nakamotoCoefficient([1n, 2] as unknown as bigint[]), 'METRICS_INVALID_VALUE')
  })
})
