import { describe, expect, test } from 'vitest'
import {
  maskCommitReveal,
  maskOutdated,
  maskRecentlyRegistered,
  maskRowsWithoutPermit,
  maskVector,
} from '../../../src/mechanisms/consensus/yuma/masks.js'
import type { SparseMatrix } from '../../../src/mechanisms/consensus/yuma/sparse-matrix.js'

/** Row i holds one entry on each listed column, all of value 1. */
function matrix(...rows: number[][]): SparseMatrix {
  return rows.map((cols) => ({ cols, vals: cols.map(() => 1) }))
}

function columns(m: SparseMatrix): number[][] {
  return m.map((row) => Array.from(row.cols))
}

describe('masks around a uid replacement', () => {
  test('weights set no later than the target registered are dropped, including in its registration block', () => {
    // Uid 2 re-registered at block 5. Row 0 set weights at 4, row 1 at 5 (same block), row 2 at 6.
    const m = maskOutdated(matrix([1, 2], [0, 2], [0, 1, 2]), [4, 5, 6], [0, 0, 5])
    expect(columns(m)).toEqual([[1], [0], [0, 1, 2]])
  })

  test('bonds on a uid registered since the last epoch are dropped (last_tempo ≤ registration)', () => {
    expect(columns(maskRecentlyRegistered(matrix([1, 2], [2]), 5, [0, 0, 5]))).toEqual([[1], []])
    expect(columns(maskRecentlyRegistered(matrix([1, 2], [2]), 6, [0, 0, 5]))).toEqual([[1, 2], [2]])
  })

  test('a commit made strictly before the target registered hides the revealed weights on it', () => {
    const m = matrix([1, 2], [0, 2], [0, 1])
    expect(columns(maskCommitReveal(m, [4, 5, null], [0, 0, 5]))).toEqual([[1], [0, 2], [0, 1]])
  })

  test('permit vectors of the wrong length: rows and stake read missing entries differently when empty', () => {
    const m = matrix([1], [0])
    expect(columns(maskRowsWithoutPermit(m, [true]))).toEqual([[1], []])
    expect(columns(maskRowsWithoutPermit(m, []))).toEqual([[], []])
    expect(maskVector([false], [7, 7])).toEqual([7, 0])
    expect(maskVector([], [7, 7])).toEqual([7, 7])
  })
})
