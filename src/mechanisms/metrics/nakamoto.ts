/**
 * The Nakamoto coefficient: how many entities must collude to control a system.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { bigints, numbers, ratio, type Distribution } from './distribution.js'

/**
 * The smallest number of entities whose combined share **strictly exceeds** `threshold`: take
 * the largest holders first and count until their share passes it. Use 1/2 for majority
 * control (">50%") and 1/3 for the share that can halt a BFT committee (">33%").
 *
 * A share exactly at the threshold is not enough: with three equal holders and threshold 1/3
 * the coefficient is 2. For bigint input the comparison is exact: the threshold is read as the
 * simplest fraction that rounds to it (1/3 for `1 / 3`, 1/2 for `0.5`), so a third of 3·10²⁴
 * wei does not exceed 1/3 and one wei more does. Number input compares shares as doubles.
 * An empty or all-zero distribution has nothing to control and gives 0.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @param threshold - The share to exceed, 0 ≤ threshold < 1. @default 0.5
 * @returns The coefficient, from 1 to the number of entities holding anything; 0 when nothing
 *   is held.
 * @throws DeaiError `METRICS_INVALID_VALUE` or `METRICS_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { nakamotoCoefficient } from 'deai/mechanisms'
 * nakamotoCoefficient([40, 30, 20, 10]) // 2: 40 + 30 > 50
 * nakamotoCoefficient([1n, 1n, 1n], 1 / 3) // 2
 * ```
 */
export function nakamotoCoefficient(values: Distribution, threshold = 0.5): number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold < 1)) {
    throw new DeaiError('METRICS_INVALID_OPTION', `threshold is ${String(threshold)}; it must be a share with 0 ≤ threshold < 1.`, {
      fixes: ['Use 1/2 for majority control or 1/3 for the share that can halt a BFT committee.'],
    })
  }
  if (values.length > 0 && typeof values[0] === 'bigint') {
    const sorted = [...bigints(values)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    const total = sorted.reduce((s, v) => s + v, 0n)
    if (total === 0n) return 0
    const [p, q] = simplestFraction(threshold)
    let cumulative = 0n
    for (const [i, v] of sorted.entries()) {
      cumulative += v
      if (cumulative * q > total * p) return i + 1
    }
    return sorted.length
  }
  const sorted = [...numbers(values)].sort((a, b) => b - a)
  // Sum the total in the same order as the running sum, so the last running sum equals it.
  let total = 0
  for (const v of sorted) total += v
  if (total === 0) return 0
  let cumulative = 0
  for (const [i, v] of sorted.entries()) {
    cumulative += v
    if (cumulative / total > threshold) return i + 1
  }
  return sorted.length
}

/**
 * The fraction p/q with the smallest denominator among the continued-fraction convergents of x
 * that rounds to x, so a threshold written as `1 / 3` means exactly one third.
 *
 * @param x - A number in [0, 1).
 * @returns [p, q] with q > 0.
 */
export function simplestFraction(x: number): [bigint, bigint] {
  // Convergents h/k of the continued fraction of x: h(i) = a(i)·h(i−1) + h(i−2), likewise k.
  let h0 = 0n
  let h1 = 1n
  let k0 = 1n
  let k1 = 0n
  let rest = x
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(rest)
    const big = BigInt(a)
    ;[h0, h1] = [h1, big * h1 + h0]
    ;[k0, k1] = [k1, big * k1 + k0]
    if (ratio(h1, k1) === x) return [h1, k1]
    const fraction = rest - a
    if (fraction === 0) break
    rest = 1 / fraction
  }
  // Every double is a dyadic fraction; fall back to it if rounding derailed the expansion.
  let q = 1n
  let scaled = x
  while (!Number.isInteger(scaled)) {
    scaled *= 2
    q *= 2n
  }
  return [BigInt(scaled), q]
}
