/**
 * Coordinate-wise median (Flower's FedMedian).
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { BLOCK, gatherBlock } from './columns.js'
import { minOf, selectInPlace } from './select.js'
import { assertFinite, assertUpdates } from './validate.js'

/**
 * The coordinate-wise median of the updates, unweighted. With an even number of updates each
 * coordinate is the mean of the two middle values, as numpy's median gives: (1, 2, 4, 100) → 3.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @returns A new Float32Array holding the median of every coordinate.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH` or `AGGREGATION_NON_FINITE`.
 *
 * @example
 * ```ts
 * import { median } from './median.js'
 * median([new Float32Array([1]), new Float32Array([2]), new Float32Array([4]), new Float32Array([100])]) // Float32Array [3]
 * ```
 */
export function median(updates: readonly Float32Array[]): Float32Array {
  const d = assertUpdates(updates)
  const n = updates.length
  const out = new Float32Array(d)
  const col = new Float64Array(BLOCK * n)
  const half = n >>> 1
  const even = (n & 1) === 0
  // Rank of the lower middle value inside one column.
  const lowerRank = even ? half - 1 : half
  for (let base = 0; base < d; base += BLOCK) {
    const count = Math.min(BLOCK, d - base)
    if (!gatherBlock(updates, base, count, col)) assertFinite(updates)
    for (let t = 0, lo = 0; t < count; t++, lo += n) {
      const hi = lo + n - 1
      selectInPlace(col, lo, hi, lo + lowerRank)
      const lower = col[lo + lowerRank]!
      // After selection the upper middle is the smallest value right of the lower middle.
      out[base + t] = even ? (lower + minOf(col, lo + half, hi)) / 2 : lower
    }
  }
  return out
}
