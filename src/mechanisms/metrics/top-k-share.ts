/**
 * The share held by the largest holders.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { bigints, numbers, ratio, type Distribution } from './distribution.js'

/**
 * The combined share of the k largest holders (all of it when k ≥ n). For bigint input the
 * sum is exact and rounded once. An empty or all-zero distribution gives 0.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @param k - How many of the largest holders, an integer ≥ 0.
 * @returns The share in [0, 1].
 * @throws DeaiError `METRICS_INVALID_VALUE` or `METRICS_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { topKShare } from 'deai/mechanisms'
 * topKShare([10, 40, 30, 20], 2) // 0.7
 * ```
 */
export function topKShare(values: Distribution, k: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
    throw new DeaiError('METRICS_INVALID_OPTION', `k is ${String(k)}; it must be an integer ≥ 0.`, {
      fixes: ['Pass how many of the largest holders to add up, for example 1 or 10.'],
    })
  }
  if (values.length > 0 && typeof values[0] === 'bigint') {
    const sorted = [...bigints(values)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    const total = sorted.reduce((s, v) => s + v, 0n)
    if (total === 0n) return 0
    return ratio(
      sorted.slice(0, k).reduce((s, v) => s + v, 0n),
      total,
    )
  }
  const sorted = [...numbers(values)].sort((a, b) => b - a)
  let total = 0
  for (const v of sorted) total += v
  if (total === 0) return 0
  let top = 0
  for (const v of sorted.slice(0, k)) top += v
  return Math.min(1, top / total)
}
