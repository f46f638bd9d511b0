import { describe, expect, test } from 'vitest'
import { median } from '../../../src/mechanisms/aggregation/median.js'
import { permutation, randomUpdates, rng, scalars } from './helpers.js'
import { refMedian } from './reference.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 3301

describe('median', () => {
  test('an even count gives the mean of the two middle values', () => {
    expect(median(scalars([1, 2, 4, 100]))).toEqual(new Float32Array([3]))
    expect(median(scalars([10, 20, 0, 5]))).toEqual(new Float32Array([7.5]))
  })

  test('an odd count gives the middle value', () => {
    expect(median(scalars([9, -1, 3]))).toEqual(new Float32Array([3]))
    expect(median(scalars([5]))).toEqual(new Float32Array([5]))
  })

  test('works coordinate by coordinate', () => {
    const out = median([new Float32Array([1, 30]), new Float32Array([2, 10]), new Float32Array([3, 20])])
    expect(out).toEqual(new Float32Array([2, 20]))
  })

  test('of identical updates is that update', () => {
    const rand = rng(SEED)
    const [u] = randomUpdates(rand, 1, 3000)
    expect(median(Array.from({ length: 8 }, () => u!))).toEqual(u)
    expect(median(Array.from({ length: 7 }, () => u!))).toEqual(u)
  })

  test('equals a sort-based median exactly on random inputs, across block boundaries', () => {
    const rand = rng(SEED + 1)
    for (const n of [1, 2, 3, 4, 5, 8, 17, 50]) {
      const updates = randomUpdates(rand, n, 2500)
      expect(median(updates)).toEqual(refMedian(updates))
    }
  })

  test('handles many equal values (sybils sending one value)', () => {
    const rand = rng(SEED + 2)
    const honest = randomUpdates(rand, 30, 500)
    const sybil = new Float32Array(500).fill(0.5)
    const updates = [...honest, ...Array.from({ length: 20 }, () => sybil)]
    expect(median(updates)).toEqual(refMedian(updates))
  })

  test('does not depend on the order of the updates', () => {
    const rand = rng(SEED + 3)
    const updates = randomUpdates(rand, 12, 300)
    const shuffled = permutation(rand, 12).map((i) => updates[i]!)
    expect(median(shuffled)).toEqual(median(updates))
  })

  test('does not modify its inputs', () => {
    const updates = scalars([3, 1, 2])
    median(updates)
    expect(updates).toEqual(scalars([3, 1, 2]))
  })

  test('rejects bad input', () => {
    expectDeaiErrorSync(() => median([]), 'AGGREGATION_NO_UPDATES')
    expectDeaiErrorSync(() => median(scalars([1, Number.NaN, 3])), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => median([new Float32Array(1), new Float32Array(2)]), 'AGGREGATION_LENGTH_MISMATCH')
  })
})
