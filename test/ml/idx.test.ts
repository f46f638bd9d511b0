import { describe, expect, test } from 'vitest'
import { parseIdx } from '../../src/ml/datasets/idx.js'
import { idx } from './fixtures.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

describe('parseIdx', () => {
  test('reads dimensions (big-endian) and data', () => {
    const parsed = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'x', 3)
    expect(parsed.dims).toEqual([2, 2, 3])
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(parseIdx(idx([300], new Array<number>(300).fill(1)), 'x').dims).toEqual([300])
  })

  test.each([
    ['too short', new Uint8Array([0, 0, 8])],
    ['non-zero magic prefix', (() => { const b = idx([1], [5]); b[0] = 1; return b })()],
    ['non-byte data type', idx([1], [5], 0x0d)],
    ['zero dimensions', new Uint8Array([0, 0, 8, 0])],
    ['truncated header', new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])],
    ['data shorter than the header says', idx([2, 2], [1, 2, 3])],
    ['data longer than the header says', idx([2, 2], [1, 2, 3, 4, 5])],
  ])('rejects %s as DATASET_MALFORMED', (_, bytes) => {
    expectDeaiErrorSync(() => parseIdx(bytes, 'bad'), 'DATASET_MALFORMED')
  })

  test('rejects an unexpected number of dimensions', () => {
    expectDeaiErrorSync(() => parseIdx(idx([4], [1, 2, 3, 4]), 'labels', 3), 'DATASET_MALFORMED')
  })
})
