import { describe, expect, test } from 'vitest'
import { type ImageSet, sampleExamples, selectExamples, takeExamples } from '../../src/ml/datasets/image-set.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

// Ten 2x2 images; image i is filled with the value i and labelled i % 3.
const set: ImageSet = {
  count: 10,
  rows: 2,
  cols: 2,
  classes: 3,
  images: Uint8Array.from({ length: 40 }, (_, p) => Math.floor(p / 4)),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i % 3),
}

describe('subsets', () => {
  test('takeExamples keeps the first n as views', () => {
    const first = takeExamples(set, 4)
    expect(first.count).toBe(4)
    expect(Array.from(first.labels)).toEqual([0, 1, 2, 0])
    expect(first.images.buffer).toBe(set.images.buffer)
    expect(first.images.length).toBe(16)
    expectDeaiErrorSync(() => takeExamples(set, 11), 'ML_INVALID_SUBSET')
  })

  test('selectExamples copies the chosen examples in order', () => {
    const chosen = selectExamples(set, [7, 2, 7])
    expect(Array.from(chosen.images)).toEqual([7, 7, 7, 7, 2, 2, 2, 2, 7, 7, 7, 7])
    expect(Array.from(chosen.labels)).toEqual([1, 2, 1])
    expectDeaiErrorSync(() => selectExamples(set, [10]), 'ML_INVALID_SUBSET')
  })

  test('sampleExamples draws distinct examples, reproducibly by seed', () => {
    const a = sampleExamples(set, 5, 1)
    const ids = Array.from({ length: 5 }, (_, k) => a.images[k * 4])
    expect(new Set(ids).size).toBe(5)
    expect(ids).toEqual([...ids].sort((x, y) => (x ?? 0) - (y ?? 0)))
    expect(sampleExamples(set, 5, 1)).toEqual(a)
    const others = [2, 3, 4, 5].map((seed) => sampleExamples(set, 5, seed).images)
    expect(others.some((images) => !images.every((v, i) => v === a.images[i]))).toBe(true)
    expect(sampleExamples(set, 10, 9).count).toBe(10)
  })
})
