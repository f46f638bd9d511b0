import { describe, expect, test } from 'vitest'
import { bulyan, bulyanSelect, bulyanSizes, meanOfNearest } from '../../../src/mechanisms/aggregation/bulyan.js'
import { expectClose, randomUpdates, rng, scalars } from './helpers.js'
import { refBulyan } from './reference.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 6601

describe('bulyan', () => {
  test('scalars (0, 2, 3, 5, 9, 13, 14) with f = 1: the paper selects 3, 5, 13, 0, 9 and gives 5.667', () => {
    const updates = scalars([0, 2, 3, 5, 9, 13, 14])
    expect(bulyanSelect(updates, 1)).toEqual([2, 3, 5, 0, 4])
    // Median of {0, 3, 5, 9, 13} is 5; its three nearest are 5, 3, 9.
    expect(bulyan(updates, 1)).toEqual(new Float32Array([17 / 3]))
  })

  test('with f = 0 it is the plain unweighted mean', () => {
    const rand = rng(SEED)
    const updates = randomUpdates(rand, 6, 100)
    const mean = Float32Array.from({ length: 100 }, (_, i) => updates.reduce((s, u) => s + u[i]!, 0) / 6)
    expectClose(bulyan(updates, 0), mean, 1e-6, 1e-7)
  })

  test('θ = n − 2f and β = θ − 2f', () => {
    expect(bulyanSizes(11, 2)).toEqual({ theta: 7, beta: 3 })
    expect(bulyanSizes(50, 10)).toEqual({ theta: 30, beta: 10 })
  })

  test('needs n ≥ 4f + 3', () => {
    expectDeaiErrorSync(() => bulyan(scalars([1, 2, 3, 4, 5, 6]), 1), 'AGGREGATION_TOO_FEW_UPDATES')
    expectDeaiErrorSync(() => bulyan(scalars([1, 2]), 0), 'AGGREGATION_TOO_FEW_UPDATES')
    expect(bulyan(scalars([1, 2, 4]), 0)).toEqual(new Float32Array([7 / 3]))
    expectDeaiErrorSync(() => bulyanSelect(scalars([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 2), 'AGGREGATION_TOO_FEW_UPDATES')
  })

  test('matches the paper-style reference (Krum recomputed each round) on random inputs', () => {
    const rand = rng(SEED + 1)
    for (let trial = 0; trial < 12; trial++) {
      const f = Math.floor(rand() * 4)
      const n = 4 * f + 3 + Math.floor(rand() * 6)
      const updates = randomUpdates(rand, n, 200)
      const ref = refBulyan(updates, f)
      expect(bulyanSelect(updates, f)).toEqual(ref.kept)
      expectClose(bulyan(updates, f), ref.aggregate, 1e-6, 1e-7)
    }
  })

  test('matches the reference across coordinate blocks (n = 23, f = 5, d = 2100)', () => {
    const rand = rng(SEED + 3)
    const updates = randomUpdates(rand, 23, 2100)
    const ref = refBulyan(updates, 5)
    expect(bulyanSelect(updates, 5)).toEqual(ref.kept)
    expectClose(bulyan(updates, 5), ref.aggregate, 1e-6, 1e-7)
  })

  test('resists a Byzantine minority far from the honest updates', () => {
    const rand = rng(SEED + 2)
    const honest = randomUpdates(rand, 9, 20, 0.1)
    const attackers = randomUpdates(rand, 2, 20).map((u) => u.map((v) => v + 100))
    const out = bulyan([...honest, ...attackers], 2)
    expect(Math.max(...out.map(Math.abs))).toBeLessThan(0.1)
    expect(bulyanSelect([...honest, ...attackers], 2).every((i) => i < 9)).toBe(true)
  })

  test('rejects a bad f', () => {
    expectDeaiErrorSync(() => bulyan(scalars([1, 2, 3]), -1), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => bulyan(scalars([1, 2, 3]), 0.5), 'AGGREGATION_INVALID_OPTION')
  })
})

describe('meanOfNearest', () => {
  test("Flower's vectors: reference 1, (1, 2, 0.5), β = 2 → 0.75; reference 0, (1, −0.5, 10), β = 1 → −0.5", () => {
    expect(meanOfNearest(new Float32Array([1]), scalars([1, 2, 0.5]), 2)).toEqual(new Float32Array([0.75]))
    expect(meanOfNearest(new Float32Array([0]), scalars([1, -0.5, 10]), 1)).toEqual(new Float32Array([-0.5]))
  })

  test('equal distances go to the smaller value', () => {
    expect(meanOfNearest(new Float32Array([0]), scalars([1, -1, 5]), 1)).toEqual(new Float32Array([-1]))
    expect(meanOfNearest(new Float32Array([0]), scalars([1, 1, -1, -1, 7]), 3)).toEqual(new Float32Array([-1 / 3]))
    expect(meanOfNearest(new Float32Array([2]), scalars([2, 2, 2]), 2)).toEqual(new Float32Array([2]))
  })

  test('rejects a bad count and a non-finite reference', () => {
    expectDeaiErrorSync(() => meanOfNearest(new Float32Array([0]), scalars([1, 2]), 0), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => meanOfNearest(new Float32Array([0]), scalars([1, 2]), 3), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => meanOfNearest(new Float32Array([Number.NaN]), scalars([1, 2]), 1), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => meanOfNearest(new Float32Array([0, 0]), scalars([1, 2]), 1), 'AGGREGATION_LENGTH_MISMATCH')
  })
})
