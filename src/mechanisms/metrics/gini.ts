/**
 * The Gini coefficient of a distribution.
 *
 * @packageDocumentation
 */
import { toShares, type Distribution } from './distribution.js'

/**
 * The Gini coefficient G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2n·Σx), over all n entities including those holding
 * 0: 0 when everyone holds the same, (n − 1)/n when one entity holds everything (the population
 * form, not rescaled by n/(n − 1)). Computed as Σ (2i − n − 1)·x₍ᵢ₎ / (n·Σx) over the ascending
 * order. An empty or all-zero distribution gives 0.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @returns G in [0, (n − 1)/n].
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 *
 * @example
 * ```ts
 * import { gini } from 'deai/mechanisms'
 * gini([1, 2, 3, 4]) // 0.25
 * gini([0, 0, 0, 7]) // 0.75
 * ```
 */
export function gini(values: Distribution): number {
  const { shares, positive } = toShares(values)
  if (!positive) return 0
  const n = shares.length
  const sorted = Float64Array.from(shares).sort()
  let weighted = 0
  let total = 0
  for (const [i, s] of sorted.entries()) {
    weighted += (2 * (i + 1) - n - 1) * s
    total += s
  }
  // Rounding can leave a tiny negative value for a perfectly equal distribution.
  return Math.min(1, Math.max(0, weighted / (n * total)))
}
