/**
 * Pairwise squared Euclidean distances between updates, the input of Krum, Multi-Krum and
 * Bulyan's selection. This is the O(n²·d) step, so it is computed once and shared.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { BLOCK } from './columns.js'
import { assertFinite } from './validate.js'

/** Coordinates per block: 4·BLOCK floats per update keeps n blocks (n = 50: 800 KB) in cache. */
const DISTANCE_BLOCK = 4 * BLOCK

/**
 * The n×n matrix D with D[i·n + j] = ‖x_i − x_j‖₂², the squared distance computed directly from
 * the differences (not the Gram form ‖x_i‖² + ‖x_j‖² − 2x_i·x_j), in double precision. So the
 * diagonal is exactly 0, D is exactly symmetric and never negative, as in Flower's legacy Krum.
 *
 * @param updates - The updates, already checked to be non-empty and of equal length.
 * @returns A Float64Array of n·n distances, row-major.
 * @throws DeaiError `AGGREGATION_NON_FINITE` if an update holds NaN or ±Infinity.
 */
export function pairwiseSquaredDistances(updates: readonly Float32Array[]): Float64Array {
  const n = updates.length
  const d = updates[0]!.length
  const D = new Float64Array(n * n)
  // Walk the coordinates in blocks so each block of every update is read from memory once.
  for (let base = 0; base < d; base += DISTANCE_BLOCK) {
    const end = Math.min(d, base + DISTANCE_BLOCK)
    // Rows i and i + 1 against four rows j at a time: six loads feed eight independent sums,
    // which keeps the floating-point units busy instead of waiting on one running sum.
    for (let i = 0; i + 1 < n; i += 2) {
      const x = updates[i]!
      const y = updates[i + 1]!
      D[i * n + i + 1] = D[i * n + i + 1]! + squaredDistance(x, y, base, end)
      let j = i + 2
      for (; j + 3 < n; j += 4) {
        const a = updates[j]!
        const b = updates[j + 1]!
        const c = updates[j + 2]!
        const e = updates[j + 3]!
        let xa = 0
        let xb = 0
        let xc = 0
        let xe = 0
        let ya = 0
        let yb = 0
        let yc = 0
        let ye = 0
        for (let t = base; t < end; t++) {
          const xv = x[t]!
          const yv = y[t]!
          const av = a[t]!
          const bv = b[t]!
          const cv = c[t]!
          const ev = e[t]!
          const d0 = xv - av
          const d1 = xv - bv
          const d2 = xv - cv
          const d3 = xv - ev
          const d4 = yv - av
          const d5 = yv - bv
          const d6 = yv - cv
          const d7 = yv - ev
          xa += d0 * d0
          xb += d1 * d1
          xc += d2 * d2
          xe += d3 * d3
          ya += d4 * d4
          yb += d5 * d5
          yc += d6 * d6
          ye += d7 * d7
        }
        const rx = i * n + j
        const ry = rx + n
        D[rx] = D[rx]! + xa
        D[rx + 1] = D[rx + 1]! + xb
        D[rx + 2] = D[rx + 2]! + xc
        D[rx + 3] = D[rx + 3]! + xe
        D[ry] = D[ry]! + ya
        D[ry + 1] = D[ry + 1]! + yb
        D[ry + 2] = D[ry + 2]! + yc
        D[ry + 3] = D[ry + 3]! + ye
      }
      for (; j < n; j++) {
        const a = updates[j]!
        D[i * n + j] = D[i * n + j]! + squaredDistance(x, a, base, end)
        D[(i + 1) * n + j] = D[(i + 1) * n + j]! + squaredDistance(y, a, base, end)
      }
    }
  }
  let finite = true
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = D[i * n + j]!
      if (v - v !== 0) finite = false
      D[j * n + i] = v
    }
  }
  // With finite float32 inputs no sum of squares can overflow a double, so only bad input
  // makes a distance non-finite; n = 1 has no pairs, so check that update directly.
  if (!finite || n === 1) assertFinite(updates)
  return D
}

/** Σ (x[t] − y[t])² over t in [base, end), in double precision. */
function squaredDistance(x: Float32Array, y: Float32Array, base: number, end: number): number {
  let s = 0
  for (let t = base; t < end; t++) {
    const diff = x[t]! - y[t]!
    s += diff * diff
  }
  return s
}
