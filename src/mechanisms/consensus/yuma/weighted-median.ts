/**
 * Stake-weighted median, the consensus of Yuma (spec §5.6): `weighted_median` and
 * `weighted_median_col_sparse` from subtensor's `epoch/math.rs`, with the same pivoting, so ties
 * and rounding come out identically.
 *
 * @packageDocumentation
 */
import { type I32F32, normalize } from './fixed-point.js'
import type { SparseMatrix } from './sparse-matrix.js'

/**
 * Reusable index buffers for {@link weightedMedian}, so a column sweep allocates once.
 */
export interface MedianScratch {
  a: Int32Array
  b: Int32Array
  lower: Int32Array
  upper: Int32Array
}

/** Buffers for partitions of up to `size` members. */
export function createMedianScratch(size: number): MedianScratch {
  return { a: new Int32Array(size), b: new Int32Array(size), lower: new Int32Array(size), upper: new Int32Array(size) }
}

/**
 * The stake-weighted median of `score` over the members `0..m−1`, as subtensor computes it:
 * repeatedly pivot on the middle member, keep the side holding the `minority` quantile, and
 * return the pivot when neither side qualifies (0 after more than m rounds).
 *
 * @param stake - each member's stake (`I32F32`).
 * @param score - each member's score (`I32F32`).
 * @param minority - the quantile to find, e.g. `Σstake − κ`.
 * @param lo - partition lower bound (0 at the start).
 * @param hi - partition upper bound (`Σstake` at the start).
 * @returns the median score (`I32F32`).
 * @example
 * ```ts
 * import { ONE, fromF32 } from './fixed-point.js'
 * // Two voters with 0.49 and 0.51 of the stake; majority 0.51, so minority = 1 − 0.51.
 * const stake = [fromF32(0.49), fromF32(0.51)]
 * weightedMedian(stake, [fromF32(0.5), ONE], ONE - fromF32(0.51), 0, stake[0] + stake[1]) // ONE
 * ```
 */
export function weightedMedian(
  stake: ArrayLike<I32F32>,
  score: ArrayLike<I32F32>,
  minority: I32F32,
  lo: I32F32,
  hi: I32F32,
  scratch: MedianScratch = createMedianScratch(stake.length),
): I32F32 {
  const m = stake.length
  if (score.length !== m) return 0
  let members = scratch.a
  let spare = scratch.b
  const lower = scratch.lower
  const upper = scratch.upper
  for (let r = 0; r < m; r++) members[r] = r
  let count = m
  let partitionLo = lo
  let partitionHi = hi
  let iterations = 0
  for (;;) {
    if (count === 0) return 0
    if (count === 1) return score[members[0] as number] as number
    const pivot = score[members[count >> 1] as number] as number
    let loStake = 0
    let hiStake = 0
    let nLower = 0
    let nUpper = 0
    for (let t = 0; t < count; t++) {
      const idx = members[t] as number
      const x = score[idx] as number
      if (x === pivot) continue
      if (x < pivot) {
        loStake += stake[idx] as number
        lower[nLower++] = idx
      } else {
        hiStake += stake[idx] as number
        upper[nUpper++] = idx
      }
    }
    if (minority < partitionLo + loStake && nLower > 0) {
      spare.set(lower.subarray(0, nLower))
      count = nLower
      partitionHi = partitionLo + loStake
    } else if (partitionHi - hiStake <= minority && nUpper > 0) {
      spare.set(upper.subarray(0, nUpper))
      count = nUpper
      partitionLo = partitionHi - hiStake
    } else {
      return pivot
    }
    const swap = members
    members = spare
    spare = swap
    iterations += 1
    if (iterations > m) return 0
  }
}

/**
 * `weighted_median_col_sparse`: per column, the stake-weighted median over the rows with
 * positive stake. Those stakes are re-normalised; `minority = Σ normalised stake − majority`.
 * A row's missing entry scores 0.
 *
 * @param stake - per-row stake (the active stake `A`).
 * @param scores - sparse score rows (the normalised weights `W`).
 * @param columns - number of columns (n).
 * @param majority - κ as `I32F32`.
 * @returns the consensus `C_j` for each column.
 */
export function weightedMedianColumns(
  stake: readonly I32F32[],
  scores: SparseMatrix,
  columns: number,
  majority: I32F32,
): I32F32[] {
  const voters: number[] = []
  const positive: number[] = []
  for (let i = 0; i < stake.length; i++) {
    const s = stake[i] as number
    if (s > 0) {
      voters.push(i)
      positive.push(s)
    }
  }
  const useStake = normalize(positive)
  let stakeSum = 0
  for (const s of useStake) stakeSum += s
  const minority = stakeSum - majority
  const m = useStake.length
  // Column-major scores of the voters: column j occupies [j·m, (j+1)·m).
  const grid = new Float64Array(columns * m)
  for (let k = 0; k < m; k++) {
    const row = scores[voters[k] as number]
    if (row === undefined) continue
    for (let t = 0; t < row.cols.length; t++) {
      const j = row.cols[t] as number
      if (j < columns) grid[j * m + k] = row.vals[t] as number
    }
  }
  const stakeArray = Float64Array.from(useStake)
  const scratch = createMedianScratch(m)
  const out = new Array<number>(columns)
  for (let j = 0; j < columns; j++) {
    out[j] = weightedMedian(stakeArray, grid.subarray(j * m, (j + 1) * m), minority, 0, stakeSum, scratch)
  }
  return out
}
