/**
 * Bulyan (El Mhamdi, Guerraoui, Rouault, ICML 2018), as Flower's legacy `aggregate_bulyan`
 * implements the paper: an iterative Krum selection, then a coordinate-wise trimmed average
 * around the median.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'
import { BLOCK, gatherBlock } from './columns.js'
import { pairwiseSquaredDistances } from './distances.js'
import { rankByKrumScore } from './krum.js'
import { median } from './median.js'
import { selectInPlace } from './select.js'
import { assertFinite, assertUpdates, findNonFinite, resolveF } from './validate.js'

/**
 * Checks Bulyan's precondition n ≥ 4f + 3 and returns its set sizes.
 *
 * @param n - Number of updates.
 * @param f - Assumed number of Byzantine updates.
 * @returns θ = n − 2f updates selected, β = θ − 2f values averaged per coordinate.
 * @throws DeaiError `AGGREGATION_TOO_FEW_UPDATES` when n < 4f + 3.
 */
export function bulyanSizes(n: number, f: number): { theta: number; beta: number } {
  if (n < 4 * f + 3) {
    throw new DeaiError('AGGREGATION_TOO_FEW_UPDATES', `Bulyan needs n ≥ 4f + 3 updates; got n = ${n} with f = ${f} (needs ${4 * f + 3}).`, {
      fixes: [`Lower f to at most ${Math.max(0, Math.floor((n - 3) / 4))}, collect more updates, or use another rule.`],
    })
  }
  const theta = n - 2 * f
  return { theta, beta: theta - 2 * f }
}

/**
 * The indices Bulyan selects, in the order it selects them. θ = n − 2f times: run plain Krum on
 * the updates not yet selected, with the same f (so m = max(1, |remaining| − f − 2) shrinks), and
 * move the winner (lowest score, lowest index on ties) to the selected set. Distances are
 * computed once for the whole set.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param f - Assumed number of Byzantine updates, n ≥ 4f + 3. @default 0
 * @returns θ indices.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE`, `AGGREGATION_INVALID_OPTION` or
 *   `AGGREGATION_TOO_FEW_UPDATES`.
 */
export function bulyanSelect(updates: readonly Float32Array[], f?: number): number[] {
  assertUpdates(updates)
  const n = updates.length
  const fv = resolveF(f, n)
  const { theta } = bulyanSizes(n, fv)
  return selectIteratively(pairwiseSquaredDistances(updates), n, fv, theta)
}

function selectIteratively(distances: Float64Array, n: number, f: number, theta: number): number[] {
  // Remaining indices stay ascending, as Flower's list keeps its order when it pops.
  const remaining = Array.from({ length: n }, (_, i) => i)
  const selected: number[] = []
  for (let round = 0; round < theta; round++) {
    const best = rankByKrumScore(distances, n, remaining, f)[0]!
    selected.push(best)
    remaining.splice(remaining.indexOf(best), 1)
  }
  return selected
}

/**
 * Bulyan: select θ = n − 2f updates with {@link bulyanSelect}, take their coordinate-wise median
 * (the mean of the two middle values when θ is even), then per coordinate average the β = θ − 2f
 * selected values nearest that median. Weights are ignored, as in Flower. With f = 0 this is the
 * plain unweighted mean.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param f - Assumed number of Byzantine updates, n ≥ 4f + 3. @default 0
 * @returns A new Float32Array.
 * @throws DeaiError as {@link bulyanSelect}.
 *
 * @example
 * ```ts
 * import { bulyan } from './bulyan.js'
 * bulyan([0, 2, 3, 5, 9, 13, 14].map((v) => new Float32Array([v])), 1) // ≈ 5.667 (selects 3, 5, 13, 0, 9)
 * ```
 */
export function bulyan(updates: readonly Float32Array[], f?: number): Float32Array {
  return bulyanWithSelection(updates, f).aggregate
}

/**
 * {@link bulyan} together with the indices it selected, so the distances are computed once.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param f - Assumed number of Byzantine updates, n ≥ 4f + 3. @default 0
 * @returns The aggregate and the θ selected indices in selection order.
 * @throws DeaiError as {@link bulyanSelect}.
 */
export function bulyanWithSelection(updates: readonly Float32Array[], f?: number): { aggregate: Float32Array; kept: number[] } {
  assertUpdates(updates)
  const n = updates.length
  const fv = resolveF(f, n)
  const { theta, beta } = bulyanSizes(n, fv)
  const kept = selectIteratively(pairwiseSquaredDistances(updates), n, fv, theta)
  const selected = kept.map((k) => updates[k]!)
  return { aggregate: meanOfNearest(median(selected), selected, beta), kept }
}

/**
 * Per coordinate, the unweighted mean of the `count` values nearest the reference value
 * (Flower's `_aggregate_n_closest_weights`). Flower breaks equal distances arbitrarily; here the
 * smaller value wins, so the result does not depend on the order of the updates.
 *
 * @param reference - The reference vector (Bulyan passes the coordinate-wise median).
 * @param updates - The candidate updates, each as long as the reference.
 * @param count - How many nearest values to average, 1 ≤ count ≤ updates.length.
 * @returns A new Float32Array.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE` or `AGGREGATION_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { meanOfNearest } from './bulyan.js'
 * meanOfNearest(new Float32Array([1]), [1, 2, 0.5].map((v) => new Float32Array([v])), 2) // Float32Array [0.75]
 * ```
 */
export function meanOfNearest(reference: Float32Array, updates: readonly Float32Array[], count: number): Float32Array {
  const d = assertUpdates([reference, ...updates])
  const n = updates.length
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `count is ${String(count)}; it must be an integer from 1 to ${n}.`, {
      fixes: ['Average at least one and at most all of the candidate values.'],
    })
  }
  const badReference = findNonFinite([reference])
  if (badReference !== undefined) {
    const [, i] = badReference
    throw new DeaiError('AGGREGATION_NON_FINITE', `The reference holds ${reference[i]!} at coordinate ${i}.`, {
      fixes: ['Pass a finite reference vector.'],
    })
  }
  const out = new Float32Array(d)
  const col = new Float64Array(BLOCK * n)
  const distance = new Float64Array(n)
  const scratch = new Float64Array(n)
  for (let base = 0; base < d; base += BLOCK) {
    const blockSize = Math.min(BLOCK, d - base)
    if (!gatherBlock(updates, base, blockSize, col)) assertFinite(updates)
    for (let t = 0, lo = 0; t < blockSize; t++, lo += n) {
      let sum = 0
      if (count === n) {
        for (let r = 0; r < n; r++) sum += col[lo + r]!
      } else {
        const ref = reference[base + t]!
        for (let r = 0; r < n; r++) {
          const dist = Math.abs(col[lo + r]! - ref)
          distance[r] = dist
          scratch[r] = dist
        }
        // The count-th smallest distance: everything nearer is kept, the rest come from ties.
        selectInPlace(scratch, 0, n - 1, count - 1)
        const cut = scratch[count - 1]!
        // One pass: values nearer than the cut are kept; values exactly at the cut are ties,
        // at ref − cut (below) or ref + cut (above), and the ones below are taken first.
        let taken = 0
        let belowSum = 0
        let belowCount = 0
        let aboveSum = 0
        let ties = 0
        for (let r = 0; r < n; r++) {
          const v = col[lo + r]!
          const dist = distance[r]!
          const inside = +(dist < cut)
          const tie = +(dist === cut)
          const below = tie * +(v < ref)
          sum += v * inside
          taken += inside
          belowSum += v * below
          belowCount += below
          aboveSum += v * (tie - below)
          ties += tie
        }
        // Tied values on one side are equal, so their mean is each of them.
        const fromBelow = Math.min(count - taken, belowCount)
        if (fromBelow > 0) sum += (belowSum / belowCount) * fromBelow
        const fromAbove = count - taken - fromBelow
        if (fromAbove > 0) sum += (aboveSum / (ties - belowCount)) * fromAbove
      }
      out[base + t] = sum / count
    }
  }
  return out
}
