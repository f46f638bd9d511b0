import { describe, expect, test } from 'vitest'
import { minOf, selectInPlace } from '../../../src/mechanisms/aggregation/select.js'
import { rng } from './helpers.js'

const SEED = 1101

describe('selectInPlace', () => {
  test('places the k-th smallest and partitions around it, on random slices with duplicates', () => {
    const rand = rng(SEED)
    for (let trial = 0; trial < 500; trial++) {
      const len = 1 + Math.floor(rand() * 80)
      // A small alphabet makes many equal values, which exercises the equal-values pass.
      const alphabet = trial % 3 === 0 ? 3 : 1000
      const values = Array.from({ length: len }, () => Math.floor(rand() * alphabet) - alphabet / 2)
      const offset = Math.floor(rand() * 5)
      const buffer = new Float64Array(len + offset + 3).fill(Number.NaN)
      buffer.set(values, offset)
      const k = Math.floor(rand() * len)
      selectInPlace(buffer, offset, offset + len - 1, offset + k)
      const sorted = [...values].sort((a, b) => a - b)
      const kth = buffer[offset + k]!
      expect(kth).toBe(sorted[k])
      for (let i = offset; i < offset + k; i++) expect(buffer[i]!).toBeLessThanOrEqual(kth)
      for (let i = offset + k + 1; i < offset + len; i++) expect(buffer[i]!).toBeGreaterThanOrEqual(kth)
      // The slice is a permutation of the input and nothing outside it moved.
      expect([...buffer.subarray(offset, offset + len)].sort((a, b) => a - b)).toEqual(sorted)
      expect(buffer.subarray(0, offset).every(Number.isNaN)).toBe(true)
      expect(buffer.subarray(offset + len).every(Number.isNaN)).toBe(true)
    }
  })

  test('handles a slice of identical values', () => {
    const a = new Float64Array(50).fill(0.25)
    selectInPlace(a, 0, 49, 24)
    expect(a[24]).toBe(0.25)
  })

  test('minOf finds the minimum of a slice', () => {
    expect(minOf(new Float64Array([5, 3, 9, 1, 7]), 1, 3)).toBe(1)
    expect(minOf(new Float64Array([5, 3, 9, 1, 7]), 2, 2)).toBe(9)
  })
})
