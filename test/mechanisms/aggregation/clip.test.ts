import { describe, expect, test } from 'vitest'
import { clipByNorm, l2Norm } from '../../../src/mechanisms/aggregation/clip.js'
import { expectClose } from './helpers.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

describe('clipByNorm', () => {
  test('scales an update longer than the bound down to it', () => {
    expectClose(clipByNorm(new Float32Array([3, 4]), 1), [0.6, 0.8])
    expect(l2Norm(clipByNorm(new Float32Array([30, -40, 0]), 5))).toBeCloseTo(5, 5)
  })

  test('leaves a shorter update unchanged, as a copy', () => {
    const u = new Float32Array([0.3, 0.4])
    const out = clipByNorm(u, 1)
    expect(out).toEqual(u)
    expect(out).not.toBe(u)
    expect(clipByNorm(new Float32Array([3, 4]), 5)).toEqual(new Float32Array([3, 4]))
  })

  test('returns a zero update unchanged instead of dividing by zero', () => {
    expect(clipByNorm(new Float32Array(3), 1)).toEqual(new Float32Array(3))
  })

  test('rejects a bad bound or a non-finite update', () => {
    expectDeaiErrorSync(() => clipByNorm(new Float32Array([1]), 0), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => clipByNorm(new Float32Array([1]), -1), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => clipByNorm(new Float32Array([1]), Number.POSITIVE_INFINITY), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => clipByNorm(new Float32Array([1, Number.NaN]), 1), 'AGGREGATION_NON_FINITE')
  })
})
