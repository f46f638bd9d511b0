/**
 * Coordinate-wise trimmed mean (Flower's FedTrimmedAvg).
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'
import { BLOCK, gatherBlock } from './columns.js'
import { selectInPlace } from './select.js'
import { assertFinite, assertUpdates } from './validate.js'

/** Flower's default trim fraction per side. */
export const DEFAULT_TRIM_BETA = 0.2

/**
 * How many values the trimmed mean cuts from each side: c = trunc(β·n), computed in IEEE double
 * exactly as Flower does, so 0.29·100 cuts 28 and 0.2·4 cuts none.
 *
 * @param beta - Trim fraction per side.
 * @param n - Number of updates.
 * @returns c.
 * @throws DeaiError `AGGREGATION_INVALID_OPTION` if β is not a finite number ≥ 0 or leaves no
 *   value (n − 2c < 1). Flower raises when c > n − c and returns NaN when c = n − c.
 */
export function trimCount(beta: number, n: number): number {
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `beta (trim fraction per side) is ${String(beta)}; it must be a finite number ≥ 0.`, {
      fixes: ['Use a beta in [0, 0.5), for example 0.2 to cut the lowest and highest 20% of each coordinate.'],
    })
  }
  const c = Math.trunc(beta * n)
  if (n - 2 * c < 1) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `beta = ${beta} cuts ${c} values from each side of ${n}, leaving none to average.`, {
      fixes: ['Lower beta below 0.5, or aggregate more updates.'],
    })
  }
  return c
}

/**
 * The coordinate-wise trimmed mean, unweighted: per coordinate drop the c = trunc(β·n) smallest and
 * c largest values and average the n − 2c left. Weights are ignored, as in Flower.
 * The kept values are summed in double precision, then rounded once to float32.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param beta - Fraction cut from each side. @default 0.2
 * @returns A new Float32Array.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE` or `AGGREGATION_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { trimmedMean } from './trimmed-mean.js'
 * const u = [1, 2, 3, 4, 100].map((v) => new Float32Array([v]))
 * trimmedMean(u, 0.2) // Float32Array [3]
 * ```
 */
export function trimmedMean(updates: readonly Float32Array[], beta: number = DEFAULT_TRIM_BETA): Float32Array {
  const d = assertUpdates(updates)
  const n = updates.length
  const c = trimCount(beta, n)
  return c === 0 ? plainMean(updates, d) : trimmedColumns(updates, d, c)
}

/** With nothing to trim, sum row by row: no column copies needed. */
function plainMean(updates: readonly Float32Array[], d: number): Float32Array {
  const acc = new Float64Array(d)
  for (const u of updates) {
    for (let i = 0; i < d; i++) acc[i]! += u[i]!
  }
  const n = updates.length
  const out = new Float32Array(d)
  let finite = true
  for (let i = 0; i < d; i++) {
    const v = acc[i]!
    if (v - v !== 0) finite = false
    out[i] = v / n
  }
  // A sum of finite float32 values cannot overflow a double, so non-finite means bad input.
  if (!finite) assertFinite(updates)
  return out
}

function trimmedColumns(updates: readonly Float32Array[], d: number, c: number): Float32Array {
  const n = updates.length
  const kept = n - 2 * c
  const out = new Float32Array(d)
  const col = new Float64Array(BLOCK * n)
  for (let base = 0; base < d; base += BLOCK) {
    const count = Math.min(BLOCK, d - base)
    if (!gatherBlock(updates, base, count, col)) assertFinite(updates)
    for (let t = 0, lo = 0; t < count; t++, lo += n) {
      const hi = lo + n - 1
      // Put the c smallest left of lo + c, then the c largest right of hi - c.
      selectInPlace(col, lo, hi, lo + c)
      selectInPlace(col, lo + c, hi, hi - c)
      let sum = 0
      for (let p = lo + c; p <= hi - c; p++) sum += col[p]!
      out[base + t] = sum / kept
    }
  }
  return out
}
