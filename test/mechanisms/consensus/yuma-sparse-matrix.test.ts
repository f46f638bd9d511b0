import { describe, test } from 'vitest'
import { rowNormalizeWhole } from '../../../src/mechanisms/consensus/yuma/sparse-matrix.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

describe('rowNormalizeWhole', () => {
  test('refuses a row of u16 values whose sum leaves the chain\'s I32F32 range', () => {
    const entries = 32_769
    const cols = Array.from({ length: entries }, (_, k) => k)
    const units = new Array<number>(entries).fill(65_535)
    expectDeaiErrorSync(() => rowNormalizeWhole(cols, units), 'YUMA_INPUT_OUT_OF_RANGE')
  })
})
